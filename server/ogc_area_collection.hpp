#pragma once
#include <string>
#include <vector>

#include "geo/admin_level.hpp"
#include "geo/area.hpp"
#include "geo/engine/engine.hpp"
#include "server/ogc_collection.hpp"

namespace server {

/// The areas of one level (kelurahan, RW, RT) as polygon features with id = code and the
/// properties code, name, parent_code, the codes of the levels above, and area_m2. Anyone may
/// read them.
class ogc_area_collection final : public ogc_collection {
 public:
  ogc_area_collection(const geo::engine& engine, geo::admin_level level, std::string id,
                      std::string title, std::string description);

  std::string_view id() const override { return m_id; }
  std::string_view title() const override { return m_title; }
  std::string_view description() const override { return m_description; }
  geo::bbox extent() const override { return m_extent; }
  std::vector<std::string_view> queryables() const override;
  bool fixed_between_imports() const override { return true; }
  ogc_selection select(const request& r, const query_params& q,
                       const std::optional<geo::bbox>& box) const override;
  std::optional<ogc_feature> find(const request& r, const query_params& q,
                                  const std::string& fid) const override;

 private:
  ogc_feature feature(const geo::area& a) const;

  const geo::engine& m_engine;
  geo::admin_level m_level;
  std::string m_id, m_title, m_description;
  geo::bbox m_extent;
};

/// The areas of `level` whose shape intersects `box` (every one when there is none), by code.
/// Candidates come from the engine's grid of area boxes, so a small box tests few shapes.
std::vector<const geo::area*> areas_intersecting(const geo::engine& engine, geo::admin_level level,
                                                 const std::optional<geo::bbox>& box);

/// Appends the codes of the levels above `below` in `chain`, smallest first (rw_code,
/// kelurahan_code, kecamatan_code, kota_code), null where the chain has a gap.
void append_parent_codes(std::vector<ogc_property>& out, const geo::engine::admin_chain& chain,
                         geo::admin_level below);

}  // namespace server
