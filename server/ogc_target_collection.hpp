#pragma once
#include <string>
#include <vector>

#include "geo/engine/engine.hpp"
#include "geo/target.hpp"
#include "server/ogc_collection.hpp"
#include "server/principal.hpp"
#include "server/privacy_rule.hpp"

namespace server {

/// Targets as point features, as the privacy rule lets the caller see them: at the coarse spot
/// with id, program, need, priority, status and the codes of the areas of its cell (no RT), or
/// for a PIC in scope and an admin at the exact position with household_size, the codes of
/// the areas it lies in and registered_at too.
/// Unlocated targets (null geometry) only for those who see them exactly. A bbox is tested
/// against the position shown, so it reveals nothing finer than that. Anonymous callers get
/// a 401: they see targets only as counts per RW, in the coverage collection.
class ogc_target_collection final : public ogc_collection {
 public:
  /// Both must outlive the collection.
  ogc_target_collection(const geo::engine& engine, const privacy_rule& rule);

  std::string_view id() const override { return "targets"; }
  std::string_view title() const override { return "Targets"; }
  std::string_view description() const override;
  /// The extent of the areas, which reveals no target's position.
  geo::bbox extent() const override { return m_extent; }
  std::vector<std::string_view> queryables() const override;
  ogc_selection select(const request& r, const query_params& q,
                       const std::optional<geo::bbox>& box) const override;
  std::optional<ogc_feature> find(const request& r, const query_params& q,
                                  const std::string& fid) const override;

 private:
  std::vector<target_view> shown(const principal& caller,
                                 const std::optional<geo::bbox>& box) const;
  ogc_feature feature(const principal& caller, const target_view& view) const;

  const geo::engine& m_engine;
  const privacy_rule& m_rule;
  std::vector<const geo::target*> m_all;  // every target, located or not, by id
  geo::bbox m_extent;
};

}  // namespace server
