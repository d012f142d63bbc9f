use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "waf-web-acl-empty",
    title: "WAF web ACL has no rules and allows every request",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "WAF",
    why: "An associated ACL with no rules and an allow default gives the appearance of WAF protection while \
          filtering nothing.",
    aws_side: "WAF applies the customer's rules; with none, every request gets the default action.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_175"],
        kics: &["6d64f311-3da6-45f3-80f1-14db9771ea40"],
        trivy: &[],
        how: "CKV_AWS_175 also flags an empty ACL whose default action blocks; KICS flags every ACL whose default \
              action is allow, the standard design of ACLs that block with their rules.",
    },
    matcher: &Custom {
        what: "Flags `aws_wafv2_web_acl` with no `rule` and `default_action { allow {} }`, and classic \
               `aws_waf_web_acl` / `aws_wafregional_web_acl` with no rules and `default_action { type = \"ALLOW\" }`; in \
               CloudFormation, `AWS::WAFv2::WebACL`, `AWS::WAF::WebACL` and `AWS::WAFRegional::WebACL` with no \
               `Rules` and an allow default action.",
        fix: "Add rules, such as the AWS managed rule groups `AWSManagedRulesCommonRuleSet` and \
              `AWSManagedRulesKnownBadInputsRuleSet`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_wafv2_web_acl", "aws_waf_web_acl", "aws_wafregional_web_acl"],
            check,
            example: r#"resource "aws_wafv2_web_acl" "web" {
  name  = "web"
  scope = "REGIONAL"

  default_action {
    allow {}
  }
}"#,
            fixed_example: r#"resource "aws_wafv2_web_acl" "web" {
  name  = "web"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "common"
    priority = 1

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"
      }
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::WAFv2::WebACL", "AWS::WAF::WebACL", "AWS::WAFRegional::WebACL"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction:
        Allow: {}
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction:
        Allow: {}
      Rules:
        - Name: common
          Priority: 1
          OverrideAction:
            None: {}
          Statement:
            ManagedRuleGroupStatement:
              Name: AWSManagedRulesCommonRuleSet
              VendorName: AWS
"#,
        }),
    },
};

/// Whether the ACL's default action allows (`None`: unknown).
fn tf_allows(ctx: &TfContext, res: Resource) -> Option<bool> {
    let action = ctx.nested(res.config(), "default_action");
    let action = action.first()?;
    if res.ty() == "aws_wafv2_web_acl" {
        return Some(!ctx.nested(action, "allow").is_empty());
    }
    ctx.field(*action, "type").and_then(|(_, v)| v.as_str().map(|t| t.eq_ignore_ascii_case("ALLOW")))
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_wafv2_web_acl", "aws_waf_web_acl", "aws_wafregional_web_acl"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let rules = ["rule", "rules"]
                .iter()
                .any(|r| !ctx.nested(res.config(), r).is_empty() || res.block.attr(r).is_some());
            if rules || tf_allows(ctx, res) != Some(true) {
                continue;
            }
            ctx.report(res, res.block.header, format!("`{}` has no rules and allows every request", res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for ty in ["AWS::WAFv2::WebACL", "AWS::WAF::WebACL", "AWS::WAFRegional::WebACL"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let rules = match ctx.prop(res, "Rules") {
                None => false,
                Some((n, v)) => n.intrinsic().is_some() || v.as_list().is_none_or(|l| !l.is_empty()),
            };
            if rules {
                continue;
            }
            let allows = if ty == "AWS::WAFv2::WebACL" {
                ctx.prop(res, "DefaultAction").map(|(n, _)| n.get("Allow").is_some())
            } else {
                ctx.prop(res, "DefaultAction.Type").and_then(|(_, v)| match v {
                    Value::String(t) => Some(t.eq_ignore_ascii_case("ALLOW")),
                    _ => None,
                })
            };
            if allows != Some(true) {
                continue;
            }
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{}` has no rules and allows every request", res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn empty_allowing_acls() {
        let tf = "resource \"aws_wafv2_web_acl\" \"a\" {\n  default_action {\n    allow {}\n  }\n}\nresource \"aws_wafv2_web_acl\" \"b\" {\n  default_action {\n    block {}\n  }\n}\nresource \"aws_waf_web_acl\" \"c\" {\n  default_action {\n    type = \"ALLOW\"\n  }\n}\nresource \"aws_waf_web_acl\" \"d\" {\n  default_action {\n    type = \"ALLOW\"\n  }\n  rules {\n    priority = 1\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 11]);
        let yaml = "Resources:\n  A:\n    Type: AWS::WAF::WebACL\n    Properties:\n      DefaultAction: {Type: ALLOW}\n  B:\n    Type: AWS::WAF::WebACL\n    Properties:\n      DefaultAction: {Type: ALLOW}\n      Rules:\n        - Action: {Type: BLOCK}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
