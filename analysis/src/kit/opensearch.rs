//! What the OpenSearch rules share: the domains (OpenSearch and legacy Elasticsearch) and a matcher for
//! `block { enabled = true }` settings.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use serde_json::json;

/// The OpenSearch and legacy Elasticsearch domains of a module.
pub fn domains<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources("aws_opensearch_domain").chain(ctx.resources("aws_elasticsearch_domain")).collect()
}

/// Flags a domain whose `block { enabled = ... }` is absent or not enabled (`what` says what is missing).
pub fn check_enabled_block(ctx: &mut TfContext, block_name: &str, title: &str, what: &str) {
    for res in domains(ctx) {
        let file = ctx.file(res);
        let address = res.address();
        // The block, or an object given to the argument (`node_to_node_encryption = { enabled = true }`).
        let Some(nested) = ctx.nested(res.config(), block_name).into_iter().next() else {
            let fix = Fix::new(
                title,
                vec![edit::insert_in_block(file, res.block, &format!("{block_name} {{\n  enabled = true\n}}"))],
            );
            ctx.report_with_fix(res, res.block.header, format!("`{address}` has no `{block_name}` block: {what}"), fix);
            continue;
        };
        // The fix writes into a block; an object's own text is left to the person.
        let fix = nested.block().map(|b| Fix::new(title, vec![edit::set_attribute(file, b, "enabled", "true")]));
        let (range, message) = match ctx.field(nested, "enabled") {
            None => (nested.header(), format!("`{address}` does not enable `{block_name}`: {what}")),
            Some((field, v)) if v.as_bool() == Some(false) => {
                (field.range, format!("`{address}` disables `{block_name}`: {what}"))
            }
            Some(_) => continue,
        };
        ctx.report(res, range, message).fixes.extend(fix);
    }
}

/// The OpenSearch and legacy Elasticsearch domain types of templates.
pub const CFN_DOMAINS: [&str; 2] = ["AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"];

/// The domains of a template.
pub fn cfn_domains<'t>(ctx: &CfnContext<'_, 't>) -> Vec<CfnResource<'t>> {
    CFN_DOMAINS.iter().flat_map(|ty| ctx.resources(ty)).collect()
}

/// Flags a template's domain whose `prop: {Enabled: ...}` is absent or not enabled (`what` says what is
/// missing).
pub fn cfn_check_enabled(ctx: &mut CfnContext, prop: &str, title: &str, what: &str) {
    for res in cfn_domains(ctx) {
        let id = res.logical_id;
        let Some((options, _)) = ctx.prop(res, prop) else {
            let fix = Fix::new(title, vec![cfn_edit::set_property(ctx.template, res, prop, &json!({"Enabled": true}))]);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` has no `{prop}`: {what}")).fixes.push(fix);
            continue;
        };
        if !(matches!(options.kind, NodeKind::Map(_)) && options.intrinsic().is_none()) {
            continue;
        }
        let fix = Fix::new(title, vec![cfn_edit::set_key(ctx.template, options, "Enabled", &json!(true))]);
        let path = format!("{prop}.Enabled");
        match ctx.prop(res, &path) {
            None => {
                let range = ctx.prop_range(res, prop).unwrap_or(options.range);
                ctx.report(res, range, format!("`{id}` does not enable `{prop}`: {what}")).fixes.push(fix);
            }
            Some((node, v)) if v.as_bool() == Some(false) => {
                let range = ctx.prop_range(res, &path).unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` disables `{prop}`: {what}")).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

/// The access policies that apply to a domain: its own `access_policies`, and the `access_policies` of the
/// `aws_opensearch_domain_policy` / `aws_elasticsearch_domain_policy` naming it; each with the resource it is
/// written in.
pub fn access_policies<'m>(
    ctx: &TfContext<'_, 'm>,
    domain: Resource<'m>,
) -> Vec<(Resource<'m>, &'m crate::terraform::model::Attribute)> {
    let mut out: Vec<_> = domain.block.attr("access_policies").map(|a| (domain, a)).into_iter().collect();
    for ty in ["aws_opensearch_domain_policy", "aws_elasticsearch_domain_policy"] {
        for policy in super::companions::companions(ctx, domain, ty, "domain_name", &["domain_name"]) {
            out.extend(policy.block.attr("access_policies").map(|a| (policy, a)));
        }
    }
    out
}

/// The cluster configuration property of a template's domain: `ClusterConfig`, or `ElasticsearchClusterConfig`
/// for the legacy type.
pub fn cfn_cluster_config(res: CfnResource) -> &'static str {
    if res.ty == "AWS::Elasticsearch::Domain" {
        "ElasticsearchClusterConfig"
    } else {
        "ClusterConfig"
    }
}

/// A log a domain publishes: its type (`None` when unknown), whether it is enabled (`None` when unknown), and
/// where it is written.
pub struct PublishedLog {
    pub log_type: Option<String>,
    pub enabled: Option<bool>,
    pub range: crate::text::TextRange,
    /// The `enabled` value's range, when written (for a fix).
    pub enabled_value: Option<crate::text::TextRange>,
}

/// The logs a Terraform domain publishes (`log_publishing_options`, `enabled` defaulting to true); `None` when
/// they cannot be known (`dynamic` blocks, a variable).
pub fn published_logs(ctx: &TfContext, domain: Resource) -> Option<Vec<PublishedLog>> {
    let configs = ctx.nested(domain.config(), "log_publishing_options");
    if configs.is_empty() && domain.block.attr("log_publishing_options").is_some() {
        return None;
    }
    let mut out = Vec::new();
    for c in configs {
        if c.is_dynamic() {
            return None;
        }
        let log_type = ctx.field(c, "log_type").and_then(|(_, v)| v.as_str().map(str::to_string));
        let (enabled, enabled_value) = match ctx.field(c, "enabled") {
            None => (Some(true), None),
            Some((f, v)) => (v.as_bool(), Some(f.expr.range)),
        };
        out.push(PublishedLog { log_type, enabled, range: c.header(), enabled_value });
    }
    Some(out)
}

/// The logs a template's domain publishes (`LogPublishingOptions`, keyed by log type; `Enabled` missing means
/// not enabled); `None` when they cannot be known.
pub fn cfn_published_logs(ctx: &CfnContext, domain: CfnResource) -> Option<Vec<PublishedLog>> {
    let Some((options, _)) = ctx.prop(domain, "LogPublishingOptions") else { return Some(Vec::new()) };
    if !matches!(options.kind, NodeKind::Map(_)) || options.intrinsic().is_some() {
        return None;
    }
    let mut out = Vec::new();
    for entry in options.entries() {
        let (enabled, enabled_value) = match entry.value.get("Enabled") {
            None => (Some(false), None),
            Some(n) => (ctx.eval(n).as_bool(), Some(n.range)),
        };
        out.push(PublishedLog { log_type: Some(entry.key.clone()), enabled, range: entry.range, enabled_value });
    }
    Some(out)
}
