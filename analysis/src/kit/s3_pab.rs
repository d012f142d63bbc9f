//! The matcher shared by the four public access block rules: each checks one setting of
//! `aws_s3_bucket_public_access_block`, `aws_s3_account_public_access_block` and the s3-bucket module, and
//! flags public buckets (public ACL or public policy) that have no public access block at all.

use super::s3::{self as common, ACCOUNT_PAB, PAB, PAB_FLAGS};
use super::s3_cfn as cfn;
use super::versions;
use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::{Edit, Fix};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

/// What makes a bucket without a public access block worth flagging for a setting.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    Acl,
    Policy,
}

pub struct Flag {
    pub name: &'static str,
    /// What leaving it off allows: "new public ACLs can be set".
    pub consequence: &'static str,
    pub exposure: Exposure,
}

/// A complete public access block for `bucket`, to insert after it.
pub fn full_pab(ctx: &TfContext, bucket: Resource) -> String {
    format!(
        "resource \"{PAB}\" \"{}\" {{\n  bucket = {}\n\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}}",
        common::companion_name(ctx, bucket, PAB),
        common::bucket_ref(bucket)
    )
}

/// The edits turning on every setting of a block that is not already on; `None` if only one is off.
fn all_four(ctx: &TfContext, res: Resource) -> Option<Vec<Edit>> {
    let file = ctx.file(res);
    let mut edits = Vec::new();
    let mut missing = Vec::new();
    for name in PAB_FLAGS {
        match ctx.attr(res.block, name) {
            None => missing.push(format!("{name} = true")),
            Some((attr, v)) if v.as_bool() != Some(true) => {
                edits.push(Edit { range: attr.expr.range, text: "true".into() })
            }
            Some(_) => {}
        }
    }
    if edits.len() + missing.len() < 2 {
        return None;
    }
    if !missing.is_empty() {
        edits.push(edit::insert_in_block(file, res.block, &missing.join("\n")));
    }
    Some(edits)
}

fn fixes(ctx: &TfContext, res: Resource, flag: &str) -> Vec<Fix> {
    let file = ctx.file(res);
    let mut out =
        vec![Fix::new(format!("Set `{flag} = true`"), vec![edit::set_attribute(file, res.block, flag, "true")])];
    if let Some(edits) = all_four(ctx, res) {
        out.push(Fix::unsafe_("Turn on all four public access block settings", edits));
    }
    out
}

pub fn check(ctx: &mut TfContext, flag: &Flag) {
    let name = flag.name;
    // Public access blocks, of a bucket or of the account.
    for res in ctx.resources(PAB).chain(ctx.resources(ACCOUNT_PAB)).collect::<Vec<_>>() {
        let (range, message) = match ctx.attr(res.block, name) {
            None => (
                res.block.header,
                format!("`{}` does not set `{name}` (default `false`), so {}", res.address(), flag.consequence),
            ),
            Some((attr, v)) if v.as_bool() == Some(false) => {
                (attr.range, format!("`{}` sets `{name} = false`, so {}", res.address(), flag.consequence))
            }
            Some(_) => continue,
        };
        let fixes = fixes(ctx, res, name);
        ctx.report(res, range, message).fixes.extend(fixes);
    }
    // s3-bucket module calls: the module creates the block from its inputs.
    for res in common::buckets(ctx).into_iter().filter(|b| b.is_module()) {
        let (range, message) = match ctx.attr(res.block, name) {
            None if versions::module_below(res, &[3, 9]) => (
                res.block.header,
                format!(
                    "`{}` uses s3-bucket module {}, whose `{name}` defaults to `false`, so {}",
                    res.address(),
                    versions::module_version(res).unwrap_or("< 3.9"),
                    flag.consequence
                ),
            ),
            Some((attr, v)) if v.as_bool() == Some(false) => {
                (attr.range, format!("`{}` sets `{name} = false`, so {}", res.address(), flag.consequence))
            }
            _ => continue,
        };
        let fixes = fixes(ctx, res, name);
        ctx.report(res, range, message).fixes.extend(fixes);
    }
    // Public buckets with no public access block at all.
    for bucket in common::buckets(ctx).into_iter().filter(|b| !b.is_module()) {
        let id = bucket.address();
        if !common::pabs_of(ctx, &id).is_empty() || common::flag_on(ctx, &id, name) {
            continue;
        }
        let (exposed, what) = match flag.exposure {
            Exposure::Acl => (common::has_public_acl(ctx, bucket), "a public ACL"),
            Exposure::Policy => (common::has_public_policy(ctx, bucket), "a bucket policy open to any principal"),
        };
        if !exposed {
            continue;
        }
        let file = ctx.file(bucket);
        let fix =
            Fix::new("Add a public access block", vec![edit::insert_after(file, bucket.block, &full_pab(ctx, bucket))]);
        let message = format!("`{id}` has {what} and no public access block with `{name} = true`");
        ctx.report_with_fix(bucket, bucket.block.header, message, fix);
    }
}

/// The CloudFormation name of a setting: `block_public_acls` is `BlockPublicAcls`.
fn cfn_name(flag: &str) -> String {
    flag.split('_').map(|w| w[..1].to_ascii_uppercase() + &w[1..]).collect()
}

/// The CloudFormation matcher of the four rules: a bucket's `PublicAccessBlockConfiguration` leaves the setting
/// off (a setting left out of a written configuration is `false`); a bucket without one gets S3's default (all
/// four on since April 2023) and is flagged only when it is public anyway.
pub fn check_cfn(ctx: &mut CfnContext, flag: &Flag) {
    let name = cfn_name(flag.name);
    let path = format!("PublicAccessBlockConfiguration.{name}");
    for res in ctx.resources(cfn::BUCKET).collect::<Vec<_>>() {
        let config = ctx.prop(res, "PublicAccessBlockConfiguration");
        match config {
            Some((node, _)) if matches!(node.kind, NodeKind::Map(_)) => match ctx.prop(res, &path) {
                None | Some((_, Value::Null)) => {
                    let edit = cfn_edit::set_key(ctx.template, node, &name, &json!(true));
                    let range = ctx.prop_range(res, "PublicAccessBlockConfiguration").unwrap_or(node.range);
                    let message = format!(
                        "`{}` has a public access block without `{name}` (left out, it is `false`), so {}",
                        res.logical_id, flag.consequence
                    );
                    ctx.report(res, range, message).fixes.push(Fix::new(format!("Set `{name}: true`"), vec![edit]));
                }
                Some((value, v)) if v.as_bool() == Some(false) => {
                    let edit = cfn_edit::replace_value(ctx.template, value, &json!(true));
                    let range = ctx.prop_range(res, &path).unwrap_or(value.range);
                    let message = format!("`{}` sets `{name}: false`, so {}", res.logical_id, flag.consequence);
                    ctx.report(res, range, message).fixes.push(Fix::new(format!("Set `{name}: true`"), vec![edit]));
                }
                _ => {}
            },
            Some(_) => {}
            None => {
                let (exposed, what) = match flag.exposure {
                    Exposure::Acl => (cfn::has_public_acl(ctx, res), "a public ACL"),
                    Exposure::Policy => (cfn::has_public_policy(ctx, res), "a bucket policy open to any principal"),
                };
                if !exposed {
                    continue;
                }
                let all: serde_json::Map<String, serde_json::Value> =
                    PAB_FLAGS.iter().map(|f| (cfn_name(f), json!(true))).collect();
                let edit = cfn_edit::set_property(
                    ctx.template,
                    res,
                    "PublicAccessBlockConfiguration",
                    &serde_json::Value::Object(all),
                );
                let message = format!(
                    "`{}` has {what} and no `PublicAccessBlockConfiguration` with `{name}: true`",
                    res.logical_id
                );
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(Fix::new("Add a public access block", vec![edit]));
            }
        }
    }
}
