//! What the CloudFront rules share: which origins are S3 buckets (REST endpoints, not website endpoints), and
//! whether a distribution is disabled.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{Expr, ExprKind, Step, TemplatePart};
use crate::terraform::view::Config;

pub const DISTRIBUTION: &str = "aws_cloudfront_distribution";
pub const CFN_DISTRIBUTION: &str = "AWS::CloudFront::Distribution";

/// Whether a host name is an S3 REST endpoint (`b.s3.amazonaws.com`, `b.s3.eu-west-1.amazonaws.com`,
/// `b.s3-eu-west-1.amazonaws.com`), not a website endpoint.
pub fn is_s3_rest_host(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.contains("s3-website") {
        return false;
    }
    (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"))
        && (host.contains(".s3.") || host.contains(".s3-"))
}

/// Whether a host name is an S3 website endpoint, which speaks HTTP only.
pub fn is_s3_website_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host.contains(".s3-website") || host.contains("s3-website-") || host.contains("s3-website.")
}

/// Whether an expression is a bucket's REST domain: `aws_s3_bucket.b.bucket_regional_domain_name` (or
/// `bucket_domain_name`), in a template or not.
fn names_bucket_domain(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Traversal(root, steps) => {
            root == "aws_s3_bucket"
                && matches!(steps.get(1), Some(Step::Attr(a)) if a == "bucket_regional_domain_name" || a == "bucket_domain_name")
        }
        ExprKind::Template(parts) => {
            parts.iter().any(|p| matches!(p, TemplatePart::Interpolation(e) if names_bucket_domain(e)))
        }
        _ => false,
    }
}

/// Whether a Terraform origin is an S3 bucket's REST endpoint (`Some(false)`: another origin; `None`: unknown).
pub fn tf_origin_is_s3(ctx: &TfContext, origin: Config) -> Option<bool> {
    if !ctx.nested(origin, "s3_origin_config").is_empty() {
        return Some(true);
    }
    let domain = origin.attr("domain_name")?;
    if names_bucket_domain(domain.expr) {
        return Some(true);
    }
    ctx.eval(domain.expr).as_str().map(is_s3_rest_host)
}

/// Whether a template origin is an S3 bucket's REST endpoint (`None`: unknown).
pub fn cfn_origin_is_s3(ctx: &CfnContext, origin: &Node) -> Option<bool> {
    if origin.get("S3OriginConfig").is_some() {
        return Some(true);
    }
    let domain = origin.get("DomainName")?;
    if let Some(("Fn::GetAtt", arg)) = domain.intrinsic() {
        let text: Option<String> = arg.as_str().map(str::to_string).or_else(|| {
            let items = arg.items();
            Some(format!("{}.{}", items.first()?.as_str()?, items.get(1)?.as_str()?))
        });
        if let Some(text) = text {
            let (id, attr) = text.split_once('.').unwrap_or((&text, ""));
            let bucket = ctx.template.resources().any(|r| r.logical_id == id && r.ty == "AWS::S3::Bucket");
            return Some(bucket && (attr == "RegionalDomainName" || attr == "DomainName"));
        }
    }
    ctx.eval(domain).as_str().map(is_s3_rest_host)
}

/// Whether a Terraform distribution is written as disabled (`enabled = false`).
pub fn tf_disabled(ctx: &TfContext, res: Resource) -> bool {
    ctx.attr(res.block, "enabled").is_some_and(|(_, v)| v.as_bool() == Some(false))
}

/// Whether a template's distribution is written as disabled (`Enabled: false`).
pub fn cfn_disabled(ctx: &CfnContext, res: CfnResource) -> bool {
    ctx.prop(res, "DistributionConfig.Enabled").is_some_and(|(_, v)| v.as_bool() == Some(false))
}

/// The origins of a template's distribution.
pub fn cfn_origins<'t>(ctx: &CfnContext<'_, 't>, res: CfnResource<'t>) -> Vec<&'t Node> {
    ctx.prop(res, "DistributionConfig.Origins").map(|(n, _)| n.items().iter().collect()).unwrap_or_default()
}

/// The cache behaviours of a template's distribution: the default one and `CacheBehaviors` (a list, or one
/// mapping as some templates write it).
pub fn cfn_behaviours<'t>(ctx: &CfnContext<'_, 't>, res: CfnResource<'t>) -> Vec<(&'t Node, &'static str)> {
    let Some((config, _)) = ctx.prop(res, "DistributionConfig") else { return Vec::new() };
    let mut out: Vec<(&Node, &str)> =
        config.get("DefaultCacheBehavior").into_iter().map(|b| (b, "DefaultCacheBehavior")).collect();
    if let Some(more) = config.get("CacheBehaviors") {
        match &more.kind {
            crate::cloudformation::tree::NodeKind::List(items) => {
                out.extend(items.iter().map(|b| (b, "CacheBehaviors")))
            }
            crate::cloudformation::tree::NodeKind::Map(_) if more.intrinsic().is_none() => {
                out.push((more, "CacheBehaviors"))
            }
            _ => {}
        }
    }
    out
}
