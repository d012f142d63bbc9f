//! What the RDS rules share: the resource types and registry modules they read, engines, and a checker for
//! boolean settings (also used by the Redshift and EFS rules).

use crate::fix::{Edit, Fix};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
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

/// Whether any of `attrs` is written (whatever its value).
pub fn has_any(res: Resource, attrs: &[&str]) -> bool {
    attrs.iter().any(|a| res.block.attr(a).is_some())
}

/// Whether a cluster is Aurora Serverless v1 (`engine_mode = "serverless"`); `None` when unknown.
pub fn is_serverless_v1(ctx: &TfContext, res: Resource) -> Option<bool> {
    match ctx.attr(res.block, "engine_mode") {
        None => Some(false),
        Some((_, v)) => v.as_str().map(|m| m == "serverless"),
    }
}

/// A boolean setting with a secure value.
pub struct BoolCheck<'a> {
    pub attr: &'a str,
    pub secure: bool,
    /// Whether leaving the attribute out is insecure (the default is the insecure value).
    pub absent_insecure: bool,
    /// After the resource's address, when the attribute is absent: "does not set `x` (default `false`), so ...".
    pub absent: &'a str,
    /// After the resource's address, when the attribute has the insecure value.
    pub insecure: &'a str,
    /// The fix's title.
    pub fix: &'a str,
}

/// Reports `res` when the setting is absent (and that is insecure) or has the insecure value; never on an
/// unknown value. Returns whether it reported.
pub fn check_bool(ctx: &mut TfContext, res: Resource, c: &BoolCheck) -> bool {
    let file = ctx.file(res);
    let secure = if c.secure { "true" } else { "false" };
    match ctx.attr(res.block, c.attr) {
        None if c.absent_insecure => {
            let fix = Fix::new(c.fix, vec![edit::set_attribute(file, res.block, c.attr, secure)]);
            ctx.report_with_fix(res, res.block.header, format!("`{}` {}", res.address(), c.absent), fix);
            true
        }
        Some((attr, v)) if v.as_bool() == Some(!c.secure) => {
            let fix = Fix::new(c.fix, vec![Edit { range: attr.expr.range, text: secure.into() }]);
            ctx.report_with_fix(res, attr.range, format!("`{}` {}", res.address(), c.insecure), fix);
            true
        }
        _ => false,
    }
}
