//! What a CloudFormation matcher sees: the template, the evaluator, and a place to report findings.

use super::eval::CfnScope;
use super::tree::Node;
use super::{CfnResource, Template};
use crate::finding::Finding;
use crate::policy::Policy;
use crate::rule::Rule;
use crate::text::TextRange;
use crate::value::Value;

pub struct CfnContext<'a, 't> {
    pub template: &'t Template,
    pub scope: &'a CfnScope<'t>,
    rule: &'static Rule,
    findings: &'a mut Vec<Finding>,
    today: Option<crate::date::Date>,
}

impl<'a, 't> CfnContext<'a, 't> {
    pub fn new(
        template: &'t Template,
        scope: &'a CfnScope<'t>,
        rule: &'static Rule,
        findings: &'a mut Vec<Finding>,
    ) -> Self {
        CfnContext { template, scope, rule, findings, today: None }
    }

    /// The same context, knowing what day it is (date-keyed rules flag nothing without it).
    pub fn with_today(mut self, today: Option<crate::date::Date>) -> Self {
        self.today = today;
        self
    }

    /// What day it is, as the caller said (`Workspace::set_today`); `None` when not told.
    pub fn today(&self) -> Option<crate::date::Date> {
        self.today
    }

    pub fn resources(&self, ty: &'t str) -> impl Iterator<Item = CfnResource<'t>> + 't {
        self.template.resources_of(ty)
    }

    pub fn eval(&self, node: &Node) -> Value {
        self.scope.eval(node)
    }

    /// A property (a dotted path below `Properties`: `BucketEncryption.ServerSideEncryptionConfiguration`) and
    /// its value; `None` when absent.
    pub fn prop(&self, res: CfnResource<'t>, path: &str) -> Option<(&'t Node, Value)> {
        let mut node = res.properties?;
        for key in path.split('.') {
            node = node.get(key)?;
        }
        Some((node, self.eval(node)))
    }

    /// The range of a property's `Key: value` entry (for reporting), or of its value.
    pub fn prop_range(&self, res: CfnResource<'t>, path: &str) -> Option<TextRange> {
        let (parent, last) = match path.rsplit_once('.') {
            Some((parent, last)) => (self.prop(res, parent)?.0, last),
            None => (res.properties?, path),
        };
        parent.entry(last).map(|e| e.range)
    }

    /// Whether `node` refers to the resource `target` (`!Ref Target`, `!GetAtt Target.Arn`, `!Sub ${Target}`).
    pub fn refers_to(&self, node: &Node, target: CfnResource) -> bool {
        match node.intrinsic() {
            Some(("Ref", arg)) => arg.as_str() == Some(target.logical_id),
            Some(("Fn::GetAtt", arg)) => match arg.as_str() {
                Some(s) => s.split('.').next() == Some(target.logical_id),
                None => arg.items().first().and_then(Node::as_str) == Some(target.logical_id),
            },
            Some(("Fn::Sub", arg)) => {
                let s = arg.as_str().or_else(|| arg.items().first().and_then(Node::as_str)).unwrap_or("");
                s.contains(&format!("${{{}}}", target.logical_id)) || s.contains(&format!("${{{}.", target.logical_id))
            }
            _ => false,
        }
    }

    /// The policy a node holds (a `PolicyDocument` map, or a JSON string).
    pub fn policy(&self, node: &Node) -> Option<Policy> {
        Policy::from_value(&self.eval(node))
    }

    /// Reports a finding about `res` at `range`.
    pub fn report(&mut self, res: CfnResource, range: TextRange, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule,
            file: 0,
            range,
            resource: res.entry.range,
            message: message.into().into(),
            fixes: Default::default(),
            instance: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Where a finding about a missing property points: the resource's logical id.
    pub fn header(&self, res: CfnResource) -> TextRange {
        res.entry.key_range
    }
}
