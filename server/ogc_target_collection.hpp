#pragma once
#include <string>
#include <vector>

#include "geo/engine.hpp"
#include "geo/target.hpp"
#include "server/ogc_collection.hpp"
#include "server/principal.hpp"
#include "server/target_view.hpp"

namespace server {

/// Targets as point features, as target_view lets the caller see them (DESIGN.md, privacy):
/// at the coarse spot with only id, program, need, priority and status, or for a PIC in scope
/// and an admin at the exact position with household_size, area codes and registered_at too.
/// Unlocated targets (null geometry) only for those who see them exactly. A bbox is tested
/// against the position shown, so it reveals nothing finer than that. Anonymous callers get
/// a 401: they see targets only as counts per RW, in the coverage collection.
class ogc_target_collection final : public ogc_collection {
 public:
  explicit ogc_target_collection(const geo::engine& engine);

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
  std::vector<const geo::target*> shown(const principal& caller,
                                        const std::optional<geo::bbox>& box) const;
  std::vector<const geo::target*> shown_in(const principal& caller, const geo::bbox& box) const;
  ogc_feature feature(const target_view& view) const;

  const geo::engine& m_engine;
  std::vector<const geo::target*> m_all;  // every target, located or not, by id
  geo::bbox m_extent;
};

}  // namespace server
