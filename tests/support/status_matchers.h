// ASSERT_OK(expr) / EXPECT_OK(expr): a Status (or anything converting to
// one) must be ok; on failure the message names the expression and prints
// the Status ("NotFound: Job not found"). Further context streams in as
// with any gtest assertion: ASSERT_OK(s) << "while claiming".
#pragma once

#include <gtest/gtest.h>

#include "util/status.h"

namespace studio::testing {

inline ::testing::AssertionResult StatusIsOk(const char* expression, const ::studio::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expression << " is " << status.ToString();
}

}  // namespace studio::testing

#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::studio::testing::StatusIsOk, expr)
#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::studio::testing::StatusIsOk, expr)
