#pragma once
#include <string>
#include <vector>

#include "geo/engine/engine.hpp"
#include "server/ogc_collection.hpp"
#include "server/privacy_rule.hpp"

namespace server {

/// Coverage per RW (DESIGN.md, domain words) as polygon features: the RW's code, name and
/// parent codes with targets, pledged, delivered, pledged_ratio, delivered_ratio, unserved and
/// unmet_priority, for all programs or the one in `?program=`. Counts are public: this is how
/// anonymous callers see targets at all.
class ogc_coverage_collection final : public ogc_collection {
 public:
  /// Both must outlive the collection.
  ogc_coverage_collection(const geo::engine& engine, const privacy_rule& rule);

  std::string_view id() const override { return "coverage"; }
  std::string_view title() const override { return "Coverage per RW"; }
  std::string_view description() const override;
  geo::bbox extent() const override { return m_extent; }
  std::vector<std::string_view> queryables() const override;
  std::vector<std::string_view> options() const override { return {"program"}; }
  ogc_selection select(const request& r, const query_params& q,
                       const std::optional<geo::bbox>& box) const override;
  std::optional<ogc_feature> find(const request& r, const query_params& q,
                                  const std::string& fid) const override;

 private:
  ogc_feature feature(const principal& caller, const geo::area& rw,
                      std::optional<std::string_view> program) const;

  const geo::engine& m_engine;
  const privacy_rule& m_rule;
  geo::bbox m_extent;
};

/// The `program` parameter as one of geo::programs (which outlive any request): nothing for all
/// programs; a 400 naming the programs for a word that is not one.
std::optional<std::string_view> program_option(const query_params& q);

}  // namespace server
