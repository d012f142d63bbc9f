pub mod access_logging;
pub mod pab_block_public_acls;
pub mod pab_block_public_policy;
pub mod pab_ignore_public_acls;
pub mod pab_restrict_public_buckets;
pub mod policy_no_tls;
pub mod policy_public_principal;
pub mod public_acl;
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
];
