#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/engine/engine.hpp"
#include "geo/pledge.hpp"
#include "server/principal.hpp"
#include "server/target_view.hpp"
#include "tiles/target_layer.hpp"

namespace server {

using precision = geo::engine::precision;

/// The privacy rule (DESIGN.md, privacy; docs/privacy.md), stated once: for a caller and a
/// target, where it may be shown, with which detail, which areas it may be said to belong to,
/// and which figures the caller may read. The cell (geo::coarse_position) is the unit of
/// disclosure: for a caller who sees a target coarsely, no answer pins it to less than its
/// cell. Every channel (API, OGC, tiles, pledges, realizations, metrics) asks this class and
/// none decides for itself.
///
/// - Admins see every target exactly.
/// - A PIC sees exactly the targets of their scope, rounded out to whole cells: a target lies
///   in the scope when its areas hold one of the PIC's codes, or when its cell meets one of
///   the PIC's areas. So a coarse answer never tells a PIC that a household of a cell they
///   share lies just outside their area.
/// - Collaborators, aggregators, planners and a PIC outside their scope see the spot (the
///   cell's centre) with program, need, priority and status; membership of areas follows the
///   cell (geo::engine::spot_chain).
/// - Anonymous callers see no target, only public figures.
/// Figures: exact ones to admins and to a PIC for areas of their scope; public ones (counted
/// by spot_chain) of RWs and larger areas to everyone else; none per RT.
/// Safe from many threads.
class privacy_rule {
 public:
  /// The engine must outlive the rule.
  explicit privacy_rule(const geo::engine& engine);

  // --- Targets -------------------------------------------------------------------------------
  visibility visibility_of(const principal& caller, const geo::target& t) const;
  /// True when the caller may see targets at all (not as figures only).
  static bool sees_targets(const principal& caller);
  /// The target as the caller may see it; nothing when they may not see it at all.
  std::optional<target_view> view_of(const principal& caller, const geo::target& t) const;
  /// Targets selected by position, as the caller may see them: `select(p)` picks targets by
  /// exact or by coarse positions (or by exact or cell membership of an area); a target is
  /// kept from the exact pick only when the caller sees it exactly, and from the coarse pick
  /// only when the caller sees it coarsely, so a selection reveals no more than each target's
  /// visible position. By target id.
  std::vector<target_view> visible(
      const principal& caller,
      const std::function<std::vector<const geo::target*>(precision)>& select) const;
  /// The k nearest targets the caller may see, measured from the positions the caller sees;
  /// by distance, then id.
  struct nearby_view {
    target_view view;
    double distance_m;
  };
  std::vector<nearby_view> nearest(const principal& caller, geo::engine::nearest_query query) const;
  /// The areas the caller may be told the target belongs to: where it lies for those who see
  /// it exactly, its spot_chain for the others, none for those who may not see it.
  geo::engine::admin_chain areas_of(const principal& caller, const geo::target& t) const;

  // --- Figures -------------------------------------------------------------------------------
  /// Which figures of an area the caller may read: exact ones, public ones (counted by cell),
  /// or none (an RT outside a PIC's scope, for everyone but admins).
  std::optional<precision> figures_of(const principal& caller, const geo::area& a) const;
  /// The figures a ranking of areas of `level` (inside `within`, when given) may show the
  /// caller: exact ones when every such area is theirs, public ones for RWs and larger
  /// areas, none for RTs outside their scope.
  std::optional<precision> ranking_figures(const principal& caller, geo::admin_level level,
                                           const geo::area* within) const;
  /// Forgets the PICs' scopes worked out so far: a target located in the field may make a cell
  /// meeting a PIC's area hold a target for the first time, and such a cell belongs to their
  /// scope (whole cells). Scopes are worked out again at their next use.
  void forget_scopes();
  /// True when a PIC's scope holds the area or one of its parents.
  bool in_scope(const principal& caller, const geo::area& a) const;

  // --- Pledges and deliveries ----------------------------------------------------------------
  /// True when the caller may record deliveries for the target: an admin, or a PIC who sees
  /// it exactly.
  bool handles(const principal& caller, const geo::target* t) const;
  /// True when the caller may read the pledge: admins and planners any, a PIC those of the
  /// targets they handle, a collaborator their own.
  bool may_read(const principal& caller, const geo::pledge& p) const;
  /// True when the caller may read what a PIC typed about a delivery (who delivered, a note):
  /// only those who handle the target. Others learn the fact and date of delivery.
  bool sees_delivery_text(const principal& caller, const geo::pledge& p) const;

  // --- Tiles and operators -------------------------------------------------------------------
  /// How the caller sees targets in tiles, in the form tiles/ takes.
  tiles::target_viewer tile_viewer(const principal& caller) const;
  /// A word naming what the caller may see in a targets layer, the same for callers who see
  /// the same: part of a cached tile's key, so one caller's tile never goes to another who may
  /// see less.
  static std::string tile_viewer_key(const principal& caller);
  /// True when the caller may read the server's metrics: operators (admins) only.
  static bool may_read_metrics(const principal& caller);

 private:
  struct scope;
  static visibility role_visibility(geo::role who);
  static visibility pic_visibility(const scope& s, const geo::target& t);
  /// visibility_of for one caller, with a PIC's scope looked up once.
  std::function<visibility(const geo::target&)> visibility_for(const principal& caller) const;
  target_view view_at(visibility level, const geo::target& t) const;
  std::shared_ptr<const scope> scope_of(const principal& caller) const;
  std::shared_ptr<const scope> make_scope(const std::vector<std::string>& codes) const;

  const geo::engine& m_engine;
  mutable std::mutex m_mutex;
  mutable std::unordered_map<std::string, std::shared_ptr<const scope>> m_scopes;  // by key
};

}  // namespace server
