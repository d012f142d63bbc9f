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

/// An RDS Custom instance (`engine = "custom-oracle-ee"`, `"custom-sqlserver-se"`, ...): the customer runs the
/// host and patches it, and AWS requires automatic minor upgrades off.
pub fn is_custom(ctx: &TfContext, res: Resource) -> bool {
    engine(ctx, res).as_str().is_some_and(|e| e.starts_with("custom-"))
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

/// An RDS Custom instance (`Engine: custom-oracle-ee`, ...), as [`is_custom`].
pub fn cfn_is_custom(ctx: &CfnContext, res: CfnResource) -> bool {
    cfn_lower(ctx, res, "Engine").as_str().is_some_and(|e| e.starts_with("custom-"))
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

/// The port an engine listens on when none is given (lower-cased engine names: `mysql`, `aurora-postgresql`,
/// `oracle-ee`, `custom-sqlserver-se`, ...); `None` for engines not known here.
pub fn default_port(engine: &str) -> Option<f64> {
    let e = engine.strip_prefix("custom-").unwrap_or(engine);
    Some(match e {
        "mysql" | "mariadb" | "aurora" | "aurora-mysql" => 3306.0,
        "postgres" | "aurora-postgresql" => 5432.0,
        _ if e.starts_with("oracle") => 1521.0,
        _ if e.starts_with("sqlserver") => 1433.0,
        _ if e.starts_with("db2") => 50000.0,
        _ => return None,
    })
}

/// Whether a DB instance is a read replica (`replicate_source_db`).
pub fn is_replica(res: Resource) -> bool {
    res.block.attr("replicate_source_db").is_some()
}

/// The engine of a template's instance or cluster, lower-cased (`Null` when absent, `Unknown` when not known).
pub fn cfn_engine(ctx: &CfnContext, res: CfnResource) -> Value {
    cfn_lower(ctx, res, "Engine")
}

/// The instance a template's replica copies (`SourceDBInstanceIdentifier: !Ref Source`), when it is in the
/// template.
pub fn cfn_source_instance<'t>(ctx: &CfnContext<'_, 't>, res: CfnResource<'t>) -> Option<CfnResource<'t>> {
    let (node, _) = ctx.prop(res, "SourceDBInstanceIdentifier")?;
    ctx.resources(CFN_INSTANCE).find(|src| src.logical_id != res.logical_id && ctx.refers_to(node, *src))
}

/// The instance a replica copies (`replicate_source_db = aws_db_instance.source.identifier`), when it is in the
/// module.
pub fn source_instance<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>) -> Option<Resource<'m>> {
    let attr = res.block.attr("replicate_source_db")?;
    let sources: Vec<Resource<'m>> = ctx.all_resources(INSTANCE).collect();
    sources
        .into_iter()
        .find(|src| src.block.range != res.block.range && ctx.refers_to(&attr.expr, *src, &["identifier"]))
}

/// Whether `res` is a cluster: an `aws_rds_cluster`, or an rds-aurora module call.
pub fn is_cluster(res: Resource) -> bool {
    if res.is_module() {
        crate::terraform::check::is_registry_module(res.block, AURORA_MODULE)
    } else {
        res.ty() == CLUSTER
    }
}

/// Whether `res` is an rds module call (the inputs of one DB instance).
pub fn is_instance_module(res: Resource) -> bool {
    res.is_module() && crate::terraform::check::is_registry_module(res.block, MODULE)
}
