//! What the SSM rules share: Session Manager preference documents (`aws_ssm_document` and
//! `AWS::SSM::Document` of type `Session`) and their `inputs`.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::Attribute;
use crate::text::TextRange;
use crate::value::Value;

/// A Session document's content, read: its `inputs` (`None` when it has none), and where to report.
pub struct Session<'m> {
    pub range: TextRange,
    pub inputs: Option<Value>,
    /// The content attribute (Terraform), for messages.
    pub attr: Option<&'m Attribute>,
}

/// A document's content as JSON: a JSON string (unknown parts as placeholders) or a map; `None` when it cannot
/// be read (YAML documents, unknown content).
fn content(value: &Value) -> Option<Value> {
    match value {
        Value::String(s) => serde_json::from_str::<serde_json::Value>(s).ok().map(|j| Value::from_json(&j)),
        Value::Map(_) => Some(value.clone()),
        _ => None,
    }
}

fn inputs(content: &Value) -> Option<Value> {
    let map = content.as_map()?;
    map.iter().find(|(k, _)| k.as_str() == "inputs").map(|(_, v)| v.clone())
}

/// The Session Manager documents of the module that can be read (JSON content), with their inputs.
pub fn sessions<'m>(ctx: &TfContext<'_, 'm>) -> Vec<(Resource<'m>, Session<'m>)> {
    let mut out = Vec::new();
    for res in ctx.resources("aws_ssm_document") {
        let is_session = ctx.attr(res.block, "document_type").is_some_and(|(_, v)| v.as_str() == Some("Session"));
        let json = ctx.attr(res.block, "document_format").is_none_or(|(_, v)| v.as_str() == Some("JSON"));
        if !is_session || !json {
            continue;
        }
        let Some(attr) = res.block.attr("content") else { continue };
        let Some(content) = content(&ctx.module.scope.eval_lenient(&attr.expr)) else { continue };
        out.push((res, Session { range: attr.range, inputs: inputs(&content), attr: Some(attr) }));
    }
    out
}

/// The Session Manager documents of a template that can be read, with their inputs.
pub fn cfn_sessions<'t>(ctx: &CfnContext<'_, 't>) -> Vec<(CfnResource<'t>, Session<'static>)> {
    let mut out = Vec::new();
    for res in ctx.resources("AWS::SSM::Document") {
        let is_session = ctx.prop(res, "DocumentType").is_some_and(|(_, v)| v.as_str() == Some("Session"));
        let yaml = ctx.prop(res, "DocumentFormat").is_some_and(|(_, v)| v.as_str() == Some("YAML"));
        if !is_session || yaml {
            continue;
        }
        let Some((node, value)) = ctx.prop(res, "Content") else { continue };
        let Some(content) = content(&value) else { continue };
        let range = ctx.prop_range(res, "Content").unwrap_or(node.range);
        out.push((res, Session { range, inputs: inputs(&content), attr: None }));
    }
    out
}

/// An input's value, if it is a non-empty string (or any other known value).
pub fn set(inputs: &Value, key: &str) -> bool {
    match inputs.get(key) {
        Value::String(s) => !s.trim().is_empty(),
        Value::Null => false,
        _ => true,
    }
}
