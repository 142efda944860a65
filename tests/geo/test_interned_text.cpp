#include "geo/interned_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "geo/target.hpp"

namespace {

using geo::interned_text;

// Texts no other test interns, so the counts below are this test's alone.
std::string unique_text(const std::string& what) {
  return "interned-test-" + what;
}

TEST(InternedText, EqualTextsShareOneEntry) {
  const std::string text = unique_text("share");
  const interned_text a(text);
  const interned_text b(std::string_view{text});
  const interned_text c(text.c_str());
  EXPECT_EQ(&a.str(), &b.str());
  EXPECT_EQ(&a.str(), &c.str());
  EXPECT_EQ(a.holders(), 3u);
  EXPECT_EQ(a.str(), text);
}

TEST(InternedText, ReadsAsItsText) {
  const interned_text t("3175020003001001");
  const std::string& s = t;
  const std::string_view v = t;
  EXPECT_EQ(s, "3175020003001001");
  EXPECT_EQ(v, "3175020003001001");
  EXPECT_EQ(t.size(), 16u);
  EXPECT_FALSE(t.empty());
  EXPECT_STREQ(t.c_str(), "3175020003001001");
  EXPECT_EQ("RT " + t, "RT 3175020003001001");
  EXPECT_EQ(t + "/x", "3175020003001001/x");
  std::ostringstream out;
  out << t;
  EXPECT_EQ(out.str(), "3175020003001001");
}

TEST(InternedText, EmptyTextHoldsNothing) {
  const interned_text none;
  const interned_text from_empty(std::string{});
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.str(), "");
  EXPECT_EQ(none, from_empty);
  EXPECT_EQ(none, "");
  EXPECT_EQ(none.holders(), 0u);
}

TEST(InternedText, ComparesAndOrdersAsStdString) {
  const std::vector<std::string> words = {"",     "a",     "ab",   "b",     "B",   "pangan",
                                          "umkm", "umkm ", "3171", "31710", "317", "\xff"};
  for (const std::string& x : words)
    for (const std::string& y : words) {
      const interned_text ix(x), iy(y);
      EXPECT_EQ(ix == iy, x == y) << x << " " << y;
      EXPECT_EQ(ix < iy, x < y) << x << " " << y;
      EXPECT_EQ(ix <= iy, x <= y) << x << " " << y;
      EXPECT_EQ(ix > iy, x > y) << x << " " << y;
      EXPECT_EQ(ix == y, x == y) << x << " " << y;
      EXPECT_EQ(y == ix, x == y) << x << " " << y;
      EXPECT_EQ(ix != y, x != y) << x << " " << y;
      EXPECT_EQ(ix < y, x < y) << x << " " << y;
      EXPECT_EQ(y < ix, y < x) << x << " " << y;
      EXPECT_EQ(ix == std::string_view(y), x == y) << x << " " << y;
      EXPECT_EQ(ix == y.c_str(), x == y) << x << " " << y;
    }
  std::vector<interned_text> sorted(words.begin(), words.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> expected = words;
  std::sort(expected.begin(), expected.end());
  EXPECT_TRUE(std::equal(sorted.begin(), sorted.end(), expected.begin(), expected.end()));
}

TEST(InternedText, IsFreedWithItsLastHolder) {
  const std::string text = unique_text("freed");
  const std::size_t before = interned_text::distinct_count();
  {
    interned_text a(text);
    EXPECT_EQ(interned_text::distinct_count(), before + 1);
    interned_text b = a;
    EXPECT_EQ(a.holders(), 2u);
    interned_text c = std::move(b);
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved from is empty
    EXPECT_EQ(a.holders(), 2u);
    c = interned_text(unique_text("other"));
    EXPECT_EQ(a.holders(), 1u);
    EXPECT_EQ(interned_text::distinct_count(), before + 2);
  }
  EXPECT_EQ(interned_text::distinct_count(), before);
  // Interned again after it was freed: a new entry with the same text.
  const interned_text again(text);
  EXPECT_EQ(again, text);
  EXPECT_EQ(again.holders(), 1u);
}

TEST(InternedText, SelfAssignmentKeepsTheText) {
  interned_text a(unique_text("self"));
  const interned_text& same = a;
  a = same;
  EXPECT_EQ(a, unique_text("self"));
  EXPECT_EQ(a.holders(), 1u);
}

TEST(InternedText, KeysMapsAsItsText) {
  std::unordered_map<interned_text, int> by_text;
  by_text[interned_text("kota")] = 1;
  by_text[interned_text(std::string("kota"))] += 1;
  std::set<interned_text> ordered = {"rw", "rt", "kota", "rt"};
  EXPECT_EQ(by_text.size(), 1u);
  EXPECT_EQ(by_text.at(interned_text("kota")), 2);
  EXPECT_EQ(std::vector<interned_text>(ordered.begin(), ordered.end()),
            (std::vector<interned_text>{"kota", "rt", "rw"}));
}

// Many threads interning, copying and dropping the same few texts: every count ends where it
// began and every text read is the one interned (a race would free an entry still held).
TEST(InternedText, CountsStayRightAcrossThreads) {
  const std::size_t before = interned_text::distinct_count();
  const std::vector<std::string> texts = {unique_text("t0"), unique_text("t1"), unique_text("t2")};
  const interned_text kept(texts[0]);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&texts, w] {
      for (int i = 0; i < 20000; ++i) {
        const std::string& text = texts[static_cast<std::size_t>(i + w) % texts.size()];
        interned_text a(text);
        interned_text b = a;
        if (b != text) ADD_FAILURE() << "read " << b.str() << " for " << text;
      }
    });
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(kept.holders(), 1u);
  EXPECT_EQ(interned_text::distinct_count(), before + 1);
}

TEST(InternedText, TargetCopiedKeepsItsValues) {
  geo::target t;
  t.id = "T0000001";
  t.program = "pangan";
  t.need = "makanan siap saji";
  t.declared_rt = "3175020003001001";
  t.rt_code = t.declared_rt;
  t.rw_code = "3175020003001";
  t.kelurahan_code = "3175020003";
  t.registered_at = "2021-11-03";
  t.lon = 106.871139;
  const geo::target copy = t;
  t.rt_code = "3175020003001002";
  t.need = {};
  EXPECT_EQ(copy.rt_code, "3175020003001001");
  EXPECT_EQ(copy.declared_rt, "3175020003001001");
  EXPECT_EQ(copy.need, "makanan siap saji");
  EXPECT_EQ(copy.program, "pangan");
  EXPECT_EQ(copy.rw_code, "3175020003001");
  EXPECT_EQ(copy.kelurahan_code, "3175020003");
  EXPECT_TRUE(copy.kecamatan_code.empty());
  EXPECT_EQ(copy.registered_at, "2021-11-03");
  EXPECT_EQ(copy.lon, 106.871139);
  EXPECT_EQ(t.rt_code, "3175020003001002");
  EXPECT_TRUE(t.need.empty());
}

}  // namespace
