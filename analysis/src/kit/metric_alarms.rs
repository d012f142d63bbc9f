//! CloudTrail events watched by a CloudWatch Logs metric filter and an alarm on its metric (CIS AWS
//! Foundations section 4 / 3.x in older versions): unauthorised API calls, root use, IAM policy changes, ...
//!
//! A module (or template) that sets up such monitoring, which defines at least one metric filter, is judged:
//! for each event, one of its filters must match every term CIS's filter pattern has (`$.eventName =
//! CreateNetworkAcl`, ...), and an alarm must watch that filter's metric (its `metric_name` the filter's metric
//! name, or a reference to the filter). A module with no metric filter is not judged: the account's monitoring
//! usually lives elsewhere, and one repository rarely holds the account. A pattern or alarm metric onus cannot
//! read is never a finding.

use std::borrow::Cow;

use crate::cloudformation::check::CfnContext;
use crate::rule::{Docs, Matcher};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub struct MetricAlarm {
    /// What is watched, after "no metric filter and alarm for".
    pub event: &'static str,
    /// The terms of CIS's pattern, each as `selector op value` (`$.eventName = CreateNetworkAcl`).
    pub terms: &'static [&'static str],
    /// CIS's pattern, for the documentation's example.
    pub pattern: &'static str,
}

/// A pattern or term with its whitespace and quotes dropped: `{ ($.eventName = "X") }` as `{($.eventName=X)}`.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '"').collect()
}

impl MetricAlarm {
    /// Whether `pattern` has every term (a term followed by a name character is another name:
    /// `CreateNetworkAcl` is not `CreateNetworkAclEntry`).
    pub fn matches(&self, pattern: &str) -> bool {
        let pattern = squeezed(pattern);
        self.terms.iter().all(|term| {
            let term = squeezed(term);
            pattern.match_indices(&term).any(|(at, t)| {
                let next = pattern[at + t.len()..].chars().next();
                !next.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '*')
            })
        })
    }

    fn message(&self) -> String {
        format!(
            "this module's CloudWatch metric filters have none for {} with an alarm on its metric: CIS asks for one",
            self.event
        )
    }

    fn example_terraform(&self, with_alarm: bool) -> String {
        let alarm = if with_alarm {
            format!(
                r#"

resource "aws_cloudwatch_log_metric_filter" "watched" {{
  name           = "cis-watched"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{}"

  metric_transformation {{
    name      = "cis-watched"
    namespace = "CISBenchmark"
    value     = "1"
  }}
}}

resource "aws_cloudwatch_metric_alarm" "watched" {{
  alarm_name          = "cis-watched"
  metric_name         = "cis-watched"
  namespace           = "CISBenchmark"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.security.arn]
}}"#,
                self.pattern.replace('"', "\\\"")
            )
        } else {
            String::new()
        };
        format!(
            r#"resource "aws_cloudwatch_log_metric_filter" "other" {{
  name           = "other"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{{ $.eventName = \"Nothing\" }}"

  metric_transformation {{
    name      = "other"
    namespace = "CISBenchmark"
    value     = "1"
  }}
}}{alarm}"#
        )
    }
}

/// Whether some alarm watches `filter`'s metric: `None` when an alarm's metric cannot be read.
fn watched(ctx: &TfContext, filter: Resource) -> Option<bool> {
    let transformation = ctx.blocks_of(filter.block, "metric_transformation");
    let names: Vec<(Value, Value)> = transformation
        .iter()
        .map(|t| {
            let get = |a: &str| ctx.attr(t, a).map_or(Value::Null, |(_, v)| v);
            (get("name"), get("namespace"))
        })
        .collect();
    let mut unknown = false;
    for alarm in ctx.all_resources("aws_cloudwatch_metric_alarm") {
        let Some(attr) = alarm.block.attr("metric_name") else { continue };
        if ctx.refers_to(&attr.expr, filter, &[]) {
            return Some(true);
        }
        let metric = ctx.eval(&attr.expr);
        let namespace = ctx.attr(alarm.block, "namespace").map_or(Value::Null, |(_, v)| v);
        if !metric.is_known() {
            unknown = true;
            continue;
        }
        for (name, filter_namespace) in &names {
            match (name.is_known() && filter_namespace.is_known(), namespace.is_known()) {
                (false, _) => unknown = true,
                (true, _) if *name != metric => {}
                (true, true) if *filter_namespace == namespace => return Some(true),
                (true, true) => {}
                (true, false) => unknown = true,
            }
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

impl Matcher for MetricAlarm {
    fn terraform_types(&self) -> &'static [&'static str] {
        &["aws_cloudwatch_log_metric_filter"]
    }
    fn cloudformation_types(&self) -> &'static [&'static str] {
        &[]
    }
    fn has_terraform(&self) -> bool {
        true
    }
    fn has_cloudformation(&self) -> bool {
        false
    }
    fn check_terraform(&self, ctx: &mut TfContext) {
        const FILTER: &str = "aws_cloudwatch_log_metric_filter";
        let Some(first) = ctx.all_resources(FILTER).next() else { return };
        // Reported once, on the module's first metric filter.
        let Some(subject) = ctx.resources(FILTER).find(|r| std::ptr::eq(r.block, first.block)) else { return };
        let mut unknown = false;
        for filter in ctx.all_resources(FILTER).collect::<Vec<_>>() {
            let pattern = match ctx.attr(filter.block, "pattern") {
                Some((_, Value::String(p))) => p,
                Some(_) => {
                    unknown = true;
                    continue;
                }
                None => continue,
            };
            if !self.matches(&pattern) {
                continue;
            }
            match watched(ctx, filter) {
                Some(true) => return,
                Some(false) => {}
                None => unknown = true,
            }
        }
        if !unknown {
            let message = self.message();
            ctx.report(subject, subject.block.header, message);
        }
    }
    fn check_cloudformation(&self, _: &mut CfnContext) {}
    fn has_fix(&self) -> bool {
        false
    }
    fn docs(&self) -> Docs {
        Docs {
            what: Cow::Owned(format!(
                "Flags a module that defines CloudWatch Logs metric filters but none that matches every term of \
                 CIS's pattern for {} (`{}`) with an alarm watching its metric (the alarm's `metric_name` the \
                 filter's metric, or a reference to the filter). A module without metric filters is not judged.",
                self.event, self.pattern
            )),
            fix: Cow::Owned(format!(
                "Add a metric filter on the CloudTrail log group with the pattern `{}`, and an alarm on its metric \
                 that notifies someone (an SNS topic).",
                self.pattern
            )),
            terraform: Some((Cow::Owned(self.example_terraform(false)), Cow::Owned(self.example_terraform(true)))),
            cloudformation: None,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
