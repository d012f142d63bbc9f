//! The rule kit: what rule authors share, so that a rule of a common kind is a short declaration and its
//! tests. Service folders under [`crate::catalog`] hold rules only; everything two rules have in common is
//! here.
//!
//! The shapes every service has:
//! - [`setting`]: an attribute or property that must hold a secure value, and its quick-fix.
//! - [`network`]: world-open CIDRs, ports and security group rules however they are written.
//! - [`resource_policy`], [`policy_sites`], [`policy_sites_cfn`]: policy documents and where they are written.
//! - [`iam`], [`privilege_escalation`]: IAM principals and the policies that apply to them, and the
//!   privilege-escalation methods.
//! - [`versions`], [`lifecycle`]: version constraints, and support dates of engines and runtimes.
//! - [`testing`]: running one rule on a snippet and checking its fixes.
//!
//! What some services' rules share (their resource types, registry modules and defaults): [`s3`], [`s3_cfn`],
//! [`s3_pab`], [`rds`], [`redshift`], [`ec2`], [`elb`], [`eks`], [`elasticache`], [`opensearch`],
//! [`password_policy`].

pub mod apigateway;
pub mod autoscaling;
pub mod beanstalk;
pub mod cloudfront;
pub mod companions;
pub mod db_security_group;
pub mod declared;
pub mod ec2;
pub mod ecs;
pub mod eks;
pub mod elasticache;
pub mod elb;
pub mod iam;
pub mod keys;
pub mod kms_key;
pub mod lifecycle;
pub mod metric_alarms;
pub mod network;
pub mod opensearch;
pub mod parameter_group;
pub mod password_policy;
pub mod plaintext;
pub mod policy_sites;
pub mod policy_sites_cfn;
pub mod privilege_escalation;
pub mod rds;
pub mod redshift;
pub mod references;
pub mod refs;
pub mod resource_policy;
pub mod s3;
pub mod s3_cfn;
pub mod s3_pab;
pub mod sam;
pub mod secrets;
pub mod setting;
pub mod ssm;
pub mod subnet;
#[cfg(test)]
pub mod testing;
pub mod versions;
pub mod waf;
