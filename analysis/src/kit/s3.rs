//! What the S3 rules share: buckets (resources and s3-bucket module calls), the companion resources that
//! configure them (`aws_s3_bucket_versioning`, `_logging`, `_acl`, `_policy`, `_public_access_block`...), their
//! ACLs and their policies.

use std::collections::HashMap;

use crate::fix::{indentation_at, line_ending, line_start, Edit};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{Attribute, Expr, ExprKind, Step};
use crate::terraform::view::Config;
use crate::text::TextRange;
use crate::value::Value;

pub const BUCKET: &str = "aws_s3_bucket";
pub const MODULE: &str = "s3-bucket";
pub const PAB: &str = "aws_s3_bucket_public_access_block";
pub const ACCOUNT_PAB: &str = "aws_s3_account_public_access_block";
/// The attributes holding a bucket's name, which a companion's `bucket` may repeat as a literal.
pub const NAME_ATTRS: &[&str] = &["bucket"];

/// The four settings of a public access block.
pub const PAB_FLAGS: [&str; 4] =
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/// Canned ACLs that grant access to everyone (`AllUsers`) or to any AWS account (`AuthenticatedUsers`).
pub const PUBLIC_ACLS: [&str; 3] = ["public-read", "public-read-write", "authenticated-read"];

/// Every bucket: `aws_s3_bucket` resources and s3-bucket module calls.
pub fn buckets<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources_like(BUCKET, MODULE).collect()
}

/// Every bucket of the module (resources and module calls): a lookup (see [`TfContext::all_resources`]).
pub fn all_buckets<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.all_resources_like(BUCKET, MODULE).collect()
}

/// Which bucket an expression (a companion's `bucket`) designates: `aws_s3_bucket.x` or `module.x` for a
/// reference, the address of the first bucket of that name for a literal (`name:<literal>` when no bucket has
/// it), `None` when unknown.
pub fn bucket_id(ctx: &TfContext, expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Traversal(root, steps) => match (root.as_str(), steps.first()) {
            (BUCKET, Some(Step::Attr(name))) => Some(format!("{BUCKET}.{name}")),
            ("module", Some(Step::Attr(name))) => Some(format!("module.{name}")),
            _ => None,
        },
        _ => {
            let value = ctx.eval(expr);
            let name = value.as_str()?;
            let named = ctx.module.name_index(BUCKET, "bucket").get(name).and_then(|at| at.first().copied());
            let address = named.map(|at| ctx.resources_at(&[at])[0].address());
            Some(address.unwrap_or_else(|| format!("name:{name}")))
        }
    }
}

/// The resources of type `ty` by the bucket their `bucket` designates (see [`bucket_id`]), built once per
/// analysis: asked for every bucket, a scan of every companion would be quadratic in a large module.
fn by_bucket(ctx: &TfContext, ty: &'static str) -> std::sync::Arc<HashMap<String, Vec<(usize, usize)>>> {
    ctx.module.memo(["s3 by bucket", ty, ""], || {
        let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (file, i, block) in ctx.module.indexed(ty) {
            if let Some(id) = block.attr("bucket").and_then(|a| bucket_id(ctx, &a.expr)) {
                index.entry(id).or_default().push((file, i));
            }
        }
        index
    })
}

/// The resources of type `ty` whose `bucket` designates `bucket` (a resource or a module call).
pub fn companions<'m>(ctx: &TfContext<'_, 'm>, bucket: Resource<'m>, ty: &'static str) -> Vec<Resource<'m>> {
    if bucket.is_module() {
        ctx.resources_at(by_bucket(ctx, ty).get(&bucket.address()).map_or(&[][..], Vec::as_slice))
    } else {
        ctx.companions(bucket, ty, "bucket", NAME_ATTRS)
    }
}

/// The public access blocks that apply to a bucket designated by `id`.
pub fn pabs_of<'m>(ctx: &TfContext<'_, 'm>, id: &str) -> Vec<Resource<'m>> {
    ctx.resources_at(by_bucket(ctx, PAB).get(id).map_or(&[][..], Vec::as_slice))
}

/// Whether a public access block (or the account's) in the module sets `flag` to true for the bucket `id`.
/// An s3-bucket module call applies its own inputs.
pub fn flag_on(ctx: &TfContext, id: &str, flag: &str) -> bool {
    let is_true = |r: Resource| ctx.attr(r.block, flag).is_some_and(|(_, v)| v.as_bool() == Some(true));
    if ctx.all_resources(ACCOUNT_PAB).any(is_true) {
        return true;
    }
    if id.starts_with("module.") {
        let module =
            ctx.at_address(id).into_iter().find(|m| crate::terraform::check::is_registry_module(m.block, MODULE));
        if let Some(module) = module {
            return module_flag(ctx, module, flag) == Some(true);
        }
    }
    pabs_of(ctx, id).into_iter().any(is_true)
}

/// The effective value of a public access block input of an s3-bucket module call (its default depends on the
/// module version: `false` before 3.9, `true` since); `None` when unknown.
pub fn module_flag(ctx: &TfContext, module: Resource, flag: &str) -> Option<bool> {
    match ctx.attr(module.block, flag) {
        Some((_, v)) => v.as_bool(),
        None => Some(!super::versions::module_below(module, &[3, 9])),
    }
}

/// The grantee URIs that make an ACL grant public.
pub fn public_group(uri: &str) -> Option<&'static str> {
    if uri.contains("acs.amazonaws.com/groups/global/AllUsers") {
        Some("everyone (AllUsers)")
    } else if uri.contains("acs.amazonaws.com/groups/global/AuthenticatedUsers") {
        Some("any AWS account (AuthenticatedUsers)")
    } else {
        None
    }
}

/// A public canned ACL on a bucket, a module call or an `aws_s3_bucket_acl`: the attribute and the ACL.
pub fn public_canned_acl<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>) -> Option<(&'m Attribute, String)> {
    let (attr, value) = ctx.attr(res.block, "acl")?;
    let acl = value.as_str().filter(|v| PUBLIC_ACLS.contains(v))?;
    Some((attr, acl.to_string()))
}

/// The public grants of a bucket (legacy `grant {}` blocks) or of an `aws_s3_bucket_acl`
/// (`access_control_policy { grant { grantee { uri } } }`): each grant's config and whom it opens to.
pub fn public_grants<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>) -> Vec<(Config<'m>, &'static str)> {
    let mut grants = ctx.nested(res.config(), "grant");
    for acp in ctx.nested(res.config(), "access_control_policy") {
        grants.extend(ctx.nested(acp, "grant"));
    }
    let mut out = Vec::new();
    for grant in grants {
        let mut uris: Vec<Value> = grant.attr("uri").map(|f| ctx.value(f)).into_iter().collect();
        for grantee in ctx.nested(grant, "grantee") {
            uris.extend(grantee.attr("uri").map(|f| ctx.value(f)));
        }
        if let Some(who) = uris.iter().filter_map(|u| u.as_str()).find_map(public_group) {
            out.push((grant, who));
        }
    }
    out
}

/// Whether a bucket is opened by an ACL: its own `acl`/`grant`, or an `aws_s3_bucket_acl` referring to it.
pub fn has_public_acl<'m>(ctx: &TfContext<'_, 'm>, bucket: Resource<'m>) -> bool {
    let public = |r: Resource<'m>| public_canned_acl(ctx, r).is_some() || !public_grants(ctx, r).is_empty();
    public(bucket) || companions(ctx, bucket, "aws_s3_bucket_acl").into_iter().any(public)
}

/// A bucket policy: the resource it is written in and its `policy` attribute.
pub struct PolicySite<'m> {
    pub res: Resource<'m>,
    pub attr: &'m Attribute,
}

/// Every bucket policy of the module: `aws_s3_bucket_policy.policy`, the legacy `aws_s3_bucket.policy`, and
/// the `policy` input of s3-bucket module calls (unless `attach_policy = false`).
pub fn policy_sites<'m>(ctx: &TfContext<'_, 'm>) -> Vec<PolicySite<'m>> {
    let mut out = Vec::new();
    for res in ctx.resources("aws_s3_bucket_policy").chain(buckets(ctx)) {
        if res.is_module() && ctx.attr(res.block, "attach_policy").is_some_and(|(_, v)| v.as_bool() == Some(false)) {
            continue;
        }
        if let Some(attr) = res.block.attr("policy") {
            out.push(PolicySite { res, attr });
        }
    }
    out
}

/// Whether a bucket's policy (inline, module input, or an `aws_s3_bucket_policy` referring to it) allows any
/// principal that no condition pins (see [`super::resource_policy::is_public`]).
pub fn has_public_policy<'m>(ctx: &TfContext<'_, 'm>, bucket: Resource<'m>) -> bool {
    let public = |r: Resource<'m>| {
        r.block
            .attr("policy")
            .and_then(|a| ctx.policy(&a.expr))
            .is_some_and(|p| super::resource_policy::public_statements(&p).next().is_some())
    };
    public(bucket) || companions(ctx, bucket, "aws_s3_bucket_policy").into_iter().any(public)
}

/// The text of a companion resource's name for a bucket: its own name, made unique among resources of `ty`.
pub fn companion_name(ctx: &TfContext, bucket: Resource, ty: &str) -> String {
    let base = bucket.name().replace(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'), "_");
    let taken = |n: &str| !ctx.at_address(&format!("{ty}.{n}")).is_empty();
    if !taken(&base) {
        return base;
    }
    (2..).map(|i| format!("{base}_{i}")).find(|n| !taken(n)).expect("some name is free")
}

/// The reference a companion resource uses for a bucket resource: `aws_s3_bucket.<name>.id`.
pub fn bucket_ref(bucket: Resource) -> String {
    format!("{}.id", bucket.address())
}

/// An edit inserting `line` (`name = value`) as the last element of an object expression (`{ ... }`), in the
/// object's own style: a new line when the `}` is alone on its line, `, line` on one line.
pub fn insert_in_object(file: &crate::terraform::TfFile, object: &Expr, line: &str) -> Option<Edit> {
    let ExprKind::Object(elems) = &object.kind else { return None };
    let src = &file.source;
    let close = object.range.end.checked_sub(1).filter(|&c| src.as_bytes().get(c) == Some(&b'}'))?;
    let close_line = line_start(src, close);
    if close_line > object.range.start && src[close_line..close].trim().is_empty() {
        let indent = match elems.first() {
            Some((k, _)) if line_start(src, k.range.start) > object.range.start => {
                indentation_at(src, k.range.start).to_string()
            }
            _ => format!("{}{}", indentation_at(src, object.range.start), file.indent_unit()),
        };
        let eol = line_ending(src);
        return Some(Edit { range: TextRange::empty(close_line), text: format!("{indent}{line}{eol}") });
    }
    let mut start = close;
    while start > object.range.start + 1 && src.as_bytes()[start - 1] == b' ' {
        start -= 1;
    }
    let text = if elems.is_empty() || src[..start].ends_with(',') { format!(" {line} ") } else { format!(", {line} ") };
    Some(Edit { range: TextRange::new(start, close), text })
}

/// The default-encryption settings a bucket declares (`apply_server_side_encryption_by_default` blocks of its
/// legacy `server_side_encryption_configuration`, of an s3-bucket module's input, or of an
/// `aws_s3_bucket_server_side_encryption_configuration` naming it), each with the resource it is written in;
/// `None` when they cannot be known (`server_side_encryption_configuration = var.x`).
pub fn encryption_defaults<'m>(
    ctx: &TfContext<'_, 'm>,
    bucket: Resource<'m>,
) -> Option<Vec<(Resource<'m>, Config<'m>)>> {
    let mut out = Vec::new();
    let from = |res: Resource<'m>, config: Config<'m>, out: &mut Vec<(Resource<'m>, Config<'m>)>| -> bool {
        let configs = ctx.nested(config, "server_side_encryption_configuration");
        if configs.is_empty() {
            if let Some(f) = config.attr("server_side_encryption_configuration") {
                // Not an object: known only when null.
                return ctx.value(f) == Value::Null;
            }
        }
        for c in configs {
            for rule in ctx.nested(c, "rule") {
                let defaults = ctx.nested(rule, "apply_server_side_encryption_by_default");
                if defaults.is_empty() && rule.attr("apply_server_side_encryption_by_default").is_some() {
                    return false;
                }
                out.extend(defaults.into_iter().map(|d| (res, d)));
            }
        }
        true
    };
    if !from(bucket, bucket.config(), &mut out) {
        return None;
    }
    if !bucket.is_module() {
        for companion in
            super::companions::s3_companions(ctx, bucket, "aws_s3_bucket_server_side_encryption_configuration")
        {
            for rule in ctx.nested(companion.config(), "rule") {
                out.extend(
                    ctx.nested(rule, "apply_server_side_encryption_by_default").into_iter().map(|d| (companion, d)),
                );
            }
            if ctx.nested(companion.config(), "rule").is_empty() {
                return None;
            }
        }
    }
    Some(out)
}
