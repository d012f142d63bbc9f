use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "waf-log4j-rule-missing",
    title: "WAFv2 web ACL does not block Log4Shell (KnownBadInputs managed rules)",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "WAF",
    why: "Log4Shell (CVE-2021-44228) exploitation still appears in internet background traffic; the AWS managed \
          `KnownBadInputs` rule group blocks it with no tuning.",
    aws_side: "AWS maintains the managed rule group; adding it to the ACL and keeping it in block mode is the \
               customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_192"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_wafv2_web_acl` without a rule using the AWS managed group \
               `AWSManagedRulesKnownBadInputsRuleSet` with `override_action { none {} }`, or whose use of it \
               excludes or overrides the `Log4JRCE` rules; in CloudFormation, `AWS::WAFv2::WebACL` likewise.",
        fix: "Add a rule with `managed_rule_group_statement { name = \"AWSManagedRulesKnownBadInputsRuleSet\", \
              vendor_name = \"AWS\" }` and `override_action { none {} }`, without excluding `Log4JRCE`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_wafv2_web_acl"],
            check,
            example: r#"resource "aws_wafv2_web_acl" "web" {
  name  = "web"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "bad-inputs"
    priority = 1

    override_action {
      count {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
  }
}"#,
            fixed_example: r#"resource "aws_wafv2_web_acl" "web" {
  name  = "web"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "bad-inputs"
    priority = 1

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::WAFv2::WebACL"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction:
        Allow: {}
      Rules:
        - Name: bad-inputs
          Priority: 1
          OverrideAction:
            None: {}
          Statement:
            ManagedRuleGroupStatement:
              Name: AWSManagedRulesKnownBadInputsRuleSet
              VendorName: AWS
              ExcludedRules:
                - Name: Log4JRCE
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction:
        Allow: {}
      Rules:
        - Name: bad-inputs
          Priority: 1
          OverrideAction:
            None: {}
          Statement:
            ManagedRuleGroupStatement:
              Name: AWSManagedRulesKnownBadInputsRuleSet
              VendorName: AWS
"#,
        }),
    },
};

const GROUP: &str = "AWSManagedRulesKnownBadInputsRuleSet";

fn is_log4j(name: &str) -> bool {
    name.to_ascii_lowercase().starts_with("log4jrce")
}

/// How a use of the group fails to block Log4Shell (`None`: it blocks it).
fn problem(counted: bool, disabled: Option<String>) -> Option<String> {
    if counted {
        return Some(format!("only counts the `{GROUP}` rules (`override_action` is not `none`)"));
    }
    disabled.map(|name| format!("uses `{GROUP}` but excludes or overrides `{name}`, which blocks Log4Shell"))
}

enum Found {
    Blocks,
    Problem(crate::text::TextRange, String),
    Unknown,
}

fn tf_rule(ctx: &TfContext, rule: Config) -> Option<Found> {
    if rule.is_dynamic() {
        return Some(Found::Unknown);
    }
    let group = ctx
        .nested(rule, "statement")
        .into_iter()
        .flat_map(|s| ctx.nested(s, "managed_rule_group_statement"))
        .find(|g| ctx.field(*g, "name").is_some_and(|(_, v)| v.as_str() == Some(GROUP)))?;
    let counted = ctx.nested(rule, "override_action").iter().any(|o| ctx.nested(o, "none").is_empty());
    let mut disabled = None;
    for excluded in ctx.nested(group, "excluded_rule") {
        if let Some(name) = ctx.field(excluded, "name").and_then(|(_, v)| v.as_str().map(str::to_string)) {
            if is_log4j(&name) {
                disabled = Some(name);
            }
        }
    }
    for o in ctx.nested(group, "rule_action_override") {
        let Some(name) = ctx.field(o, "name").and_then(|(_, v)| v.as_str().map(str::to_string)) else { continue };
        let blocks = ctx.nested(o, "action_to_use").iter().all(|a| !ctx.nested(a, "block").is_empty());
        if is_log4j(&name) && !blocks {
            disabled = Some(name);
        }
    }
    Some(match problem(counted, disabled) {
        None => Found::Blocks,
        Some(p) => Found::Problem(rule.header(), p),
    })
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_wafv2_web_acl").collect::<Vec<_>>() {
        let found: Vec<Found> = ctx.nested(res.config(), "rule").into_iter().filter_map(|r| tf_rule(ctx, r)).collect();
        if found.iter().any(|f| matches!(f, Found::Blocks | Found::Unknown)) {
            continue;
        }
        let address = res.address();
        match found.into_iter().next() {
            Some(Found::Problem(range, p)) => {
                ctx.report(res, range, format!("`{address}` {p}"));
            }
            _ => {
                ctx.report(
                    res,
                    res.block.header,
                    format!("`{address}` does not use `{GROUP}`, so Log4Shell attempts are not blocked"),
                );
            }
        }
    }
}

fn cfn_rule(ctx: &CfnContext, rule: &Node) -> Option<Found> {
    if rule.intrinsic().is_some() {
        return Some(Found::Unknown);
    }
    let group = rule.get("Statement")?.get("ManagedRuleGroupStatement")?;
    if group.get("Name").map(|n| ctx.eval(n)).and_then(|v| v.as_str().map(str::to_string)).as_deref() != Some(GROUP) {
        return None;
    }
    let counted = rule.get("OverrideAction").is_some_and(|o| o.get("None").is_none());
    let mut disabled = None;
    for e in group.get("ExcludedRules").map(Node::items).unwrap_or_default() {
        if let Some(name) = e.get("Name").and_then(|n| ctx.eval(n).as_str().map(str::to_string)) {
            if is_log4j(&name) {
                disabled = Some(name);
            }
        }
    }
    for o in group.get("RuleActionOverrides").map(Node::items).unwrap_or_default() {
        let Some(name) = o.get("Name").and_then(|n| ctx.eval(n).as_str().map(str::to_string)) else { continue };
        let blocks = o.get("ActionToUse").is_none_or(|a| a.get("Block").is_some());
        if is_log4j(&name) && !blocks {
            disabled = Some(name);
        }
    }
    Some(match problem(counted, disabled) {
        None => Found::Blocks,
        Some(p) => Found::Problem(rule.range, p),
    })
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::WAFv2::WebACL").collect::<Vec<_>>() {
        let rules = match ctx.prop(res, "Rules") {
            Some((n, _)) if n.intrinsic().is_some() => continue,
            Some((n, _)) => n.items().to_vec(),
            None => Vec::new(),
        };
        let found: Vec<Found> = rules.iter().filter_map(|r| cfn_rule(ctx, r)).collect();
        if found.iter().any(|f| matches!(f, Found::Blocks | Found::Unknown)) {
            continue;
        }
        let id = res.logical_id;
        match found.into_iter().next() {
            Some(Found::Problem(range, p)) => {
                ctx.report(res, range, format!("`{id}` {p}"));
            }
            _ => {
                let range = ctx.header(res);
                ctx.report(res, range, format!("`{id}` does not use `{GROUP}`, so Log4Shell attempts are not blocked"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn log4shell_protection() {
        let tf = r#"resource "aws_wafv2_web_acl" "none" {
}
resource "aws_wafv2_web_acl" "excluded" {
  rule {
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
        rule_action_override {
          name = "Log4JRCE_HEADER"
          action_to_use {
            count {}
          }
        }
      }
    }
  }
}
resource "aws_wafv2_web_acl" "good" {
  rule {
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 4]);
        let yaml = "Resources:\n  A:\n    Type: AWS::WAFv2::WebACL\n    Properties:\n      Rules:\n        - Name: common\n          Statement:\n            ManagedRuleGroupStatement:\n              Name: AWSManagedRulesCommonRuleSet\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
