pub mod access_logging;
pub mod acl_grants_write_acp;
pub mod bucket_not_encrypted_cmk;
pub mod bucket_replication_disabled;
pub mod bucket_without_policy;
pub mod cors_allows_any_origin;
pub mod mfa_delete_disabled;
pub mod object_encryption_not_declared;
pub mod object_lock_without_default_retention;
pub mod pab_block_public_acls;
pub mod pab_block_public_policy;
pub mod pab_ignore_public_acls;
pub mod pab_restrict_public_buckets;
pub mod policy_no_tls;
pub mod policy_public_full_access;
pub mod policy_public_principal;
pub mod public_acl;
pub mod public_acl_blocked_by_public_access_block;
pub mod static_website_enabled;
pub mod versioning;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &versioning::RULE,
    &policy_no_tls::RULE,
    &access_logging::RULE,
    &public_acl::RULE,
    &public_acl::WRITE_RULE,
    &public_acl::AUTHENTICATED_RULE,
    &pab_block_public_acls::RULE,
    &pab_block_public_policy::RULE,
    &pab_ignore_public_acls::RULE,
    &pab_restrict_public_buckets::RULE,
    &policy_public_principal::RULE,
    &policy_public_full_access::RULE,
    &bucket_without_policy::RULE,
    &bucket_not_encrypted_cmk::RULE,
    &mfa_delete_disabled::RULE,
    &cors_allows_any_origin::RULE,
    &static_website_enabled::RULE,
    &acl_grants_write_acp::RULE,
    &public_acl_blocked_by_public_access_block::RULE,
    &object_encryption_not_declared::RULE,
    &object_lock_without_default_retention::RULE,
    &bucket_replication_disabled::RULE,
];
