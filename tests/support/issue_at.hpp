#pragma once
#include <gtest/gtest.h>

#include "geo/import_report.hpp"

namespace test_support {

/// The issue a layer report keeps for CSV row (header = 1) or feature `row`; a test failure
/// and an empty issue when there is none.
inline geo::import_issue issue_at(const geo::layer_report& report, std::size_t row) {
  for (const geo::import_issue& i : report.issues)
    if (i.row == row) return i;
  ADD_FAILURE() << "no issue at row " << row;
  return {};
}

}  // namespace test_support
