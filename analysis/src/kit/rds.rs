//! What the RDS rules share: the resource types and registry modules they read, engines, Aurora membership
//! and replicas.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::setting::{cfn_has_any, cfn_lower};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub const INSTANCE: &str = "aws_db_instance";
pub const CLUSTER: &str = "aws_rds_cluster";
pub const CLUSTER_INSTANCE: &str = "aws_rds_cluster_instance";
/// `terraform-aws-modules/rds/aws`: inputs of `aws_db_instance`.
pub const MODULE: &str = "rds";
/// `terraform-aws-modules/rds-aurora/aws`: inputs of `aws_rds_cluster` (and its instances).
pub const AURORA_MODULE: &str = "rds-aurora";

/// DB instances: `aws_db_instance` and rds module calls.
pub fn instances<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources_like(INSTANCE, MODULE).collect()
}

/// Clusters: `aws_rds_cluster` and rds-aurora module calls.
pub fn clusters<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources_like(CLUSTER, AURORA_MODULE).collect()
}

/// The engine, lower-cased: `Null` when absent (a cluster's default is `aurora`), `Unknown` when not known.
pub fn engine(ctx: &TfContext, res: Resource) -> Value {
    match ctx.attr(res.block, "engine") {
        None => Value::Null,
        Some((_, Value::String(s))) => Value::String(s.to_ascii_lowercase()),
        Some(_) => Value::Unknown,
    }
}

/// An `aws_db_instance` (or rds module call) of an Aurora engine: a member of a cluster, which holds the
/// storage, backup and protection settings.
pub fn is_aurora_member(ctx: &TfContext, res: Resource) -> bool {
    engine(ctx, res).as_str().is_some_and(|e| e.starts_with("aurora"))
}

/// Whether a cluster is Aurora Serverless v1 (`engine_mode = "serverless"`); `None` when unknown.
pub fn is_serverless_v1(ctx: &TfContext, res: Resource) -> Option<bool> {
    match ctx.attr(res.block, "engine_mode") {
        None => Some(false),
        Some((_, v)) => v.as_str().map(|m| m == "serverless"),
    }
}

// ---- CloudFormation

pub const CFN_INSTANCE: &str = "AWS::RDS::DBInstance";
pub const CFN_CLUSTER: &str = "AWS::RDS::DBCluster";

/// A DB instance that belongs to an Aurora cluster (the cluster holds storage, backup and protection settings).
pub fn cfn_is_aurora_member(ctx: &CfnContext, res: CfnResource) -> bool {
    cfn_has_any(res, &["DBClusterIdentifier"])
        || cfn_lower(ctx, res, "Engine").as_str().is_some_and(|e| e.starts_with("aurora"))
}

/// A DB instance that is a read replica (or restored from a source that decides its settings).
pub fn cfn_is_replica(res: CfnResource) -> bool {
    cfn_has_any(res, &["SourceDBInstanceIdentifier", "SourceDbiResourceId", "SourceDBClusterIdentifier"])
}

/// Whether a cluster is Aurora Serverless v1 (`EngineMode: serverless`); `None` when unknown.
pub fn cfn_is_serverless_v1(ctx: &CfnContext, res: CfnResource) -> Option<bool> {
    match cfn_lower(ctx, res, "EngineMode") {
        Value::Null => Some(false),
        v => v.as_str().map(|m| m == "serverless"),
    }
}
