#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geo/collaborator.hpp"
#include "geo/engine/engine.hpp"
#include "geo/pledge.hpp"
#include "geo/realization.hpp"
#include "geo/store.hpp"
#include "geo/target.hpp"

namespace geo {

/// A pledge as a client asks for it. The program defaults to the target's.
struct pledge_request {
  std::string collaborator_id;
  std::string target_id;
  std::optional<std::string> program;
  std::string form;  // uang (amount_idr) or barang (quantity)
  std::optional<std::int64_t> amount_idr;
  std::optional<std::int64_t> quantity;
};

/// A delivery as a field officer reports it. delivered_at defaults to now.
struct realization_request {
  std::string delivered_by;
  std::optional<std::string> delivered_at;  // YYYY-MM-DD or an RFC 3339 date-time
  std::string note;
  std::optional<std::int64_t> amount_idr;  // what was delivered, when counted; 0 or more
  std::optional<std::int64_t> quantity;
};

/// Pledges and deliveries as the server writes them: kept in memory for reads, written
/// through to the store. Safe from many threads: reads share a lock, writes take it alone.
///
/// Each write checks the request (against the record as stored, when memory may lag behind
/// another server's write), then in one store transaction writes the record, appends
/// to the audit log and runs the caller's `in_transaction` hook (the server saves its
/// idempotent answer there), and commits; only then does it change memory and the engine's
/// target status. When anything throws, the store is as it was, and so is memory, unless it
/// learnt meanwhile of a change another server had made. Whether the caller
/// may write at all (roles) is the server's to check, not the ledger's.
///
/// Errors: field_error naming the request field at fault; not_found_error for an unknown
/// pledge id; conflict_error when the state forbids the write (its holder() names the pledge
/// holding a target, for double help); store_error from the store.
///
/// Do not call a write from inside a transaction of your own on the same store: use the hook.
class ledger {
 public:
  /// Loads pledges, collaborators and realizations from `s`; `e` must be loaded from the same
  /// store. Both must outlive the ledger.
  ledger(store& s, engine& e);
  ledger(const ledger&) = delete;
  ledger& operator=(const ledger&) = delete;

  using pledge_hook = std::function<void(store&, const pledge&)>;
  using realization_hook = std::function<void(store&, const pledge&, const realization&)>;

  /// Makes a committed pledge "P" + 6 digits (after the largest numeric id so far, and after
  /// every id any server took: store::next_number), pledged now. Refuses an unknown collaborator or
  /// target, a program other than the target's, a form other than uang or barang, uang without
  /// amount_idr > 0 or with a quantity, barang without quantity > 0 or with an amount_idr
  /// (field_error); a target that an active pledge already holds for the program (conflict_error,
  /// holder() = that pledge; also when that pledge was written by another server and is not yet in
  /// memory).
  pledge create(const pledge_request& request, const write_origin& origin,
                const pledge_hook& in_transaction = {});
  /// Cancels a committed pledge; its target is open again. conflict_error for a delivered or
  /// already cancelled pledge.
  pledge cancel(const std::string& pledge_id, const write_origin& origin,
                const pledge_hook& in_transaction = {});
  /// Records the delivery of a committed pledge as realization "R" + 6 digits; the pledge and
  /// its target become delivered. field_error for an empty delivered_by, a delivered_at that
  /// is not a date or date-time, a negative amount or quantity; conflict_error for a pledge
  /// already delivered (naming its realization) or cancelled.
  std::pair<pledge, realization> realize(const std::string& pledge_id,
                                         const realization_request& request,
                                         const write_origin& origin,
                                         const realization_hook& in_transaction = {});

  using location_hook = std::function<void(store&, const target&)>;
  /// Records where a household without a location lies, found in the field: `located` is the
  /// target with its new lon, lat, rt_code and rw_code (geo/field_location decides them).
  /// In one store transaction: the target's row (store::locate_target), an audit entry
  /// "target.locate" with the point, the accuracy reported by the device (kept in the audit
  /// only), the declared RT and the RT and RW found, and `in_transaction`. The engine is left
  /// as it is: geo::engine::locate needs its readers away, which only the caller can arrange.
  /// field_error for a point that is not finite or out of range or a negative accuracy;
  /// conflict_error for a target located already; not_found_error for an unknown one.
  void record_location(const target& located, std::optional<double> accuracy_m,
                       const write_origin& origin, const location_hook& in_transaction = {});

  /// Takes in what other writers stored since this ledger loaded, reading every pledge and
  /// realization again; the engine's target statuses follow.
  void catch_up();

  /// Takes in a pledge as the store has it now (a "pledge" change of the store's feed: written
  /// by another server, or by this one and taken in already): its record, and its target's
  /// status in the engine, become the store's. False when memory agreed already (nothing
  /// changed), so applying a change twice is applying it once.
  bool take_in(const pledge& stored);
  /// Takes in a realization as stored ("realization" change), unless known already.
  bool take_in(const realization& stored);
  /// Reads pledge (or realization) `id` from the store and takes it in, both under the
  /// ledger's lock: a write of this ledger cannot fall between the read and the taking in and
  /// be undone by an older copy. False when the store has no such record or memory agreed.
  bool take_in_stored_pledge(const std::string& id);
  bool take_in_stored_realization(const std::string& id);

  std::optional<pledge> find(const std::string& id) const;
  /// The pledges of a collaborator, by id.
  std::vector<pledge> of_collaborator(const std::string& collaborator_id) const;
  std::optional<collaborator> find_collaborator(const std::string& id) const;
  /// The realizations of a pledge, by id.
  std::vector<realization> realizations_of(const std::string& pledge_id) const;
  /// The active (committed or delivered) pledge holding a target for a program, if any.
  std::optional<pledge> active_for(const std::string& target_id, const std::string& program) const;
  std::size_t pledge_count() const;
  /// The active pledges flagged because their target left the registry, of the targets that
  /// belonged to area `code` (as stored when they were retired), by id.
  std::vector<pledge> flagged_in(const std::string& code) const;

 private:
  void remember(const pledge& p);
  // The pledge as stored, read in the write's transaction: another server may have changed it
  // since memory heard of it. When it did, memory takes the stored one in first and `check`
  // judges it (throws when the write is no longer allowed).
  pledge as_stored(const pledge& remembered, const std::function<void(const pledge&)>& check);
  // Takes in `stored` under the exclusive lock; see take_in.
  bool take_in_locked(const pledge& stored);
  bool take_in_locked(const realization& stored);
  // Sets the engine's status of the targets of `keys` (target and program) from m_active.
  void set_statuses(const std::set<std::string>& keys);
  const pledge& existing(const std::string& id) const;  // not_found_error when absent

  store& m_store;
  engine& m_engine;
  mutable std::shared_mutex m_lock;
  std::unordered_map<std::string, pledge> m_pledges;                         // by id
  std::unordered_map<std::string, std::set<std::string>> m_by_collaborator;  // pledge ids
  std::unordered_map<std::string, std::string> m_active;  // target and program -> pledge id
  std::unordered_map<std::string, collaborator> m_collaborators;
  std::unordered_map<std::string, std::vector<realization>> m_realizations;  // by pledge id
  std::unordered_map<std::string, target> m_retired_targets;                 // by id
  std::uint64_t m_last_pledge = 0;       // largest number of a "P" + digits id
  std::uint64_t m_last_realization = 0;  // largest number of an "R" + digits id
};

}  // namespace geo
