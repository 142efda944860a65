#include "server/ogc_datetime.hpp"

#include <gtest/gtest.h>

namespace {

TEST(OgcDatetime, AcceptsInstantsAndIntervalsWithOneOpenEnd) {
  for (const char* ok :
       {"2018-02-12T23:20:50Z", "2018-02-12T23:20:50.52z", "2018-02-12t08:00:00+07:00",
        "2018-02-12", "2018-02-12T00:00:00Z/2018-03-18T12:31:12Z", "2018-02-12T00:00:00Z/..",
        "../2018-03-18T12:31:12Z", "/2018-03-18T12:31:12Z", "2018-02-12/"})
    EXPECT_TRUE(server::is_datetime_parameter(ok)) << ok;
}

TEST(OgcDatetime, RefusesAnythingElse) {
  for (const char* bad :
       {"", "yesterday", "2018-13-01", "2018-02-12T24:00:00Z", "2018-02-12T23:20:50",
        "2018-02-12 23:20:50Z", "../..", "/", "2018-02-12/2018-02-13/2018-02-14",
        "2018-02-12T23:20:50.Z", "2018-02-30", "2017-02-29T00:00:00Z", "2018-04-31/.."})
    EXPECT_FALSE(server::is_datetime_parameter(bad)) << bad;
}

}  // namespace
