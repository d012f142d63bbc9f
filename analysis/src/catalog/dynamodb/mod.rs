pub mod dax_cluster_unencrypted;
pub mod dax_endpoint_no_tls;
pub mod deletion_protection_disabled;
pub mod pitr_disabled;
pub mod table_aws_owned_key;
pub mod table_not_encrypted_cmk;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &pitr_disabled::RULE,
    &table_aws_owned_key::RULE,
    &table_not_encrypted_cmk::RULE,
    &deletion_protection_disabled::RULE,
    &dax_cluster_unencrypted::RULE,
    &dax_endpoint_no_tls::RULE,
];
