#include "pipeline/runtime/admin_access.h"

#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, admin_http);
ABSL_DECLARE_FLAG(std::string, admin_token_file);
ABSL_DECLARE_FLAG(std::string, admin_token_env);

namespace wirestream::runtime {
namespace {

TEST(IsLoopbackAddressTest, OnlyLoopbackHostsAreLocal) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:9464"));
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.2:0"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:9464"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:9464"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:9464"));
  EXPECT_FALSE(IsLoopbackAddress("9464"));  // every interface
  EXPECT_FALSE(IsLoopbackAddress(":9464"));
  EXPECT_FALSE(IsLoopbackAddress("10.1.2.3:9464"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:9464"));
  EXPECT_FALSE(IsLoopbackAddress("[::1:9464"));
}

TEST(AdminRouteAccessTest, TokenNeededOffLoopbackOrWhenConfigured) {
  AdminAccess none;
  RouteAccess local = AdminRouteAccess(none, "127.0.0.1:9464");
  EXPECT_FALSE(local.token_required);

  RouteAccess exposed = AdminRouteAccess(none, "0.0.0.0:9464");
  EXPECT_TRUE(exposed.token_required);
  EXPECT_EQ(exposed.token, "");  // nobody gets in

  AdminAccess with_token{"", "s3cret-token"};
  RouteAccess local_with_token = AdminRouteAccess(with_token, "127.0.0.1:1");
  EXPECT_TRUE(local_with_token.token_required);
  EXPECT_EQ(local_with_token.token, "s3cret-token");
  EXPECT_TRUE(AdminRouteAccess(with_token, "0.0.0.0:1").token_required);
}

class AdminAccessFromFlagsTest : public ::testing::Test {
 protected:
  absl::FlagSaver saver_;
};

TEST_F(AdminAccessFromFlagsTest, DefaultsShareTheHttpPortWithoutToken) {
  absl::StatusOr<AdminAccess> admin = AdminAccessFromFlags();
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->address, "");
  EXPECT_EQ(admin->token, "");
}

TEST_F(AdminAccessFromFlagsTest, TokenFromEnvironmentOrFile) {
  setenv("ADMIN_ACCESS_TEST_TOKEN", "from-env\n", 1);
  absl::SetFlag(&FLAGS_admin_http, "0.0.0.0:9465");
  absl::SetFlag(&FLAGS_admin_token_env, "ADMIN_ACCESS_TEST_TOKEN");
  absl::StatusOr<AdminAccess> admin = AdminAccessFromFlags();
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->address, "0.0.0.0:9465");
  EXPECT_EQ(admin->token, "from-env");

  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/admin-token";
  std::ofstream(path) << "from-file\n";
  absl::SetFlag(&FLAGS_admin_token_env, "");
  absl::SetFlag(&FLAGS_admin_token_file, path);
  admin = AdminAccessFromFlags();
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->token, "from-file");
}

TEST_F(AdminAccessFromFlagsTest, BadTokenSettingsAreRefused) {
  absl::SetFlag(&FLAGS_admin_token_env, "ADMIN_ACCESS_TEST_UNSET");
  unsetenv("ADMIN_ACCESS_TEST_UNSET");
  EXPECT_EQ(AdminAccessFromFlags().status(),
            absl::InvalidArgumentError("--admin_token_env: environment "
                                       "variable ADMIN_ACCESS_TEST_UNSET is "
                                       "not set"));

  setenv("ADMIN_ACCESS_TEST_EMPTY", "\n", 1);
  absl::SetFlag(&FLAGS_admin_token_env, "ADMIN_ACCESS_TEST_EMPTY");
  EXPECT_EQ(AdminAccessFromFlags().status(),
            absl::InvalidArgumentError("the admin token is empty"));

  absl::SetFlag(&FLAGS_admin_token_file, "/nonexistent/token");
  EXPECT_EQ(AdminAccessFromFlags().status(),
            absl::InvalidArgumentError(
                "give --admin_token_file or --admin_token_env, not both"));
  absl::SetFlag(&FLAGS_admin_token_env, "");
  EXPECT_EQ(AdminAccessFromFlags().status(),
            absl::InvalidArgumentError(
                "--admin_token_file: cannot read /nonexistent/token"));
}

}  // namespace
}  // namespace wirestream::runtime
