use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "elb-classic-weak-ssl-policy",
    title: "Classic ELB SSL policy enables insecure protocols or weak ciphers",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "SSLv3 and early TLS have practical attacks (POODLE, BEAST), and RC4, 3DES (Sweet32) and export or \
          anonymous suites let an attacker on the path decrypt or impersonate. A client that supports them can \
          be downgraded, exposing the traffic the load balancer is supposed to protect.",
    aws_side: "AWS maintains the predefined security policies and keeps legacy protocols and ciphers \
               available for old clients. Custom negotiation policies, and the choice of what to enable, are \
               the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["4a800e14-c94a-442d-9067-5a2e9f6c0a4c", "809f77f8-d10e-4842-a84f-3be7b6ff1190"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_213"],
        kics: &["126c1788-23c2-4a10-906c-ef179f4f96ec", "61a94903-3cd3-4780-88ec-fc918819b9c8"],
        trivy: &[],
        how: "Checkov's CKV_AWS_213 looks at protocols and pre-2017 reference policies only, never at ciphers (a \
              policy enabling RC4-SHA passes), and reads the string \"false\" as enabling a protocol. KICS's \
              Terraform ELB Using Insecure Protocols (126c1788) fails a policy that names SSLv2, SSLv3, TLS 1.0 or \
              1.1 whatever its value (`false` included) and never looks at ciphers or reference policies, which this \
              rule also flags. KICS's CloudFormation query (61a94903) does the same on a classic load balancer's \
              `Policies`: a named insecure protocol fails whatever its value, and weak ciphers and old reference \
              policies pass.",
    },
    matcher: &Custom {
        what: "Flags `aws_load_balancer_policy` resources of type `SSLNegotiationPolicyType` that enable an insecure \
               protocol (SSLv2, SSLv3, TLS 1.0, TLS 1.1) or a weak or non-standard cipher (RC4, DES/3DES, MD5, \
               NULL, export, anonymous, PSK/SRP, IDEA, SEED, Camellia, ARIA), or that reference a predefined \
               policy from before 2017 (`ELBSecurityPolicy-2016-08` and older, `ELBSample-*`).",
        fix: "Replace the custom attributes with `Reference-Security-Policy = ELBSecurityPolicy-TLS-1-2-2017-01`, or \
              set the insecure protocol or cipher to `false`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_load_balancer_policy"],
            check,
            example: r#"resource "aws_load_balancer_policy" "ssl" {
  load_balancer_name = aws_elb.web.name
  policy_name        = "web-ssl"
  policy_type_name   = "SSLNegotiationPolicyType"

  policy_attribute {
    name  = "Protocol-SSLv3"
    value = "true"
  }
}"#,
            fixed_example: r#"resource "aws_load_balancer_policy" "ssl" {
  load_balancer_name = aws_elb.web.name
  policy_name        = "web-ssl"
  policy_type_name   = "SSLNegotiationPolicyType"

  policy_attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-TLS-1-2-2017-01"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancing::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Policies:
        - PolicyName: web-ssl
          PolicyType: SSLNegotiationPolicyType
          Attributes:
            - Name: Protocol-SSLv3
              Value: 'true'
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Policies:
        - PolicyName: web-ssl
          PolicyType: SSLNegotiationPolicyType
          Attributes:
            - Name: Protocol-SSLv3
              Value: 'false'
"#,
        }),
    },
};

const INSECURE_PROTOCOLS: [&str; 4] = ["Protocol-SSLv2", "Protocol-SSLv3", "Protocol-TLSv1", "Protocol-TLSv1.1"];

/// Cipher name tokens that mark a weak, broken or non-standard suite.
const WEAK_TOKENS: [&str; 15] = [
    "RC4", "ARCFOUR", "DES", "3DES", "MD5", "NULL", "EXP", "EXPORT", "ADH", "AECDH", "ANON", "PSK", "SRP", "IDEA",
    "SEED",
];

/// Families matched as a token prefix (`CAMELLIA128`, `ARIA256`).
const WEAK_PREFIXES: [&str; 2] = ["CAMELLIA", "ARIA"];

/// Predefined policies from before 2017: they accept TLS 1.0 and legacy ciphers.
const OLD_REFERENCE_POLICIES: [&str; 7] = [
    "ELBSecurityPolicy-2011-08",
    "ELBSecurityPolicy-2014-01",
    "ELBSecurityPolicy-2014-10",
    "ELBSecurityPolicy-2015-02",
    "ELBSecurityPolicy-2015-03",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-2016-08",
];

/// Why an enabled attribute is weak, if it is.
fn weakness(name: &str) -> Option<&'static str> {
    if INSECURE_PROTOCOLS.contains(&name) {
        return Some("an insecure protocol");
    }
    if name.starts_with("Protocol-") || name == "Server-Defined-Cipher-Order" || name == "Reference-Security-Policy" {
        return None;
    }
    let upper = name.to_ascii_uppercase();
    let weak =
        upper.split(['-', '_']).any(|t| WEAK_TOKENS.contains(&t) || WEAK_PREFIXES.iter().any(|p| t.starts_with(p)));
    weak.then_some("a weak or non-standard cipher")
}

/// `Policies` of classic load balancers in a template. A protocol or cipher attribute counts as enabled unless
/// its value is `false` (ELB takes only `true`/`false` there); unknown values are not judged.
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancing::LoadBalancer").collect::<Vec<_>>() {
        let Some((policies, _)) = ctx.prop(res, "Policies") else { continue };
        for policy in policies.items() {
            let ty = policy.get("PolicyType").map(|t| ctx.eval(t));
            if ty.as_ref().and_then(|t| t.as_str()) != Some("SSLNegotiationPolicyType") {
                continue;
            }
            for attr in policy.get("Attributes").map(|a| a.items()).unwrap_or_default() {
                let (Some(name_entry), Some(value_node)) = (attr.entry("Name"), attr.get("Value")) else { continue };
                let Some(name) = ctx.eval(&name_entry.value).as_str().map(str::to_string) else { continue };
                let value = ctx.eval(value_node);
                if !value.is_known() {
                    continue;
                }
                if name == "Reference-Security-Policy" {
                    let Some(policy) = value.as_str() else { continue };
                    if !(OLD_REFERENCE_POLICIES.contains(&policy) || policy.starts_with("ELBSample-")) {
                        continue;
                    }
                    let edit = cfn_edit::replace_value(
                        ctx.template,
                        value_node,
                        &serde_json::json!("ELBSecurityPolicy-TLS-1-2-2017-01"),
                    );
                    let message =
                        format!("`{}` references {policy}, which accepts TLS 1.0 and legacy ciphers", res.logical_id);
                    let fix = Fix::new("Reference ELBSecurityPolicy-TLS-1-2-2017-01", vec![edit]);
                    ctx.report(res, value_node.range, message).fixes.push(fix);
                    continue;
                }
                if value.as_bool() == Some(false) {
                    continue;
                }
                let Some(why) = weakness(&name) else { continue };
                let edit = cfn_edit::replace_value(ctx.template, value_node, &serde_json::json!("false"));
                let message = format!("`{}` enables {name}, {why}", res.logical_id);
                ctx.report(res, name_entry.range, message).fixes.push(Fix::new(format!("Disable {name}"), vec![edit]));
            }
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_load_balancer_policy").collect::<Vec<Resource>>() {
        let Some((_, ty)) = ctx.attr(res.block, "policy_type_name") else { continue };
        if ty.as_str() != Some("SSLNegotiationPolicyType") {
            continue;
        }
        for attr in ctx.nested(res.config(), "policy_attribute") {
            let (Some(name_field), Some(value_field)) = (attr.attr("name"), attr.attr("value")) else { continue };
            let Some(name) = ctx.value(name_field).as_str().map(str::to_string) else { continue };
            let value = ctx.value(value_field);
            if name == "Reference-Security-Policy" {
                let Some(policy) = value.as_str() else { continue };
                if !(OLD_REFERENCE_POLICIES.contains(&policy) || policy.starts_with("ELBSample-")) {
                    continue;
                }
                let fix = Fix::new(
                    "Reference ELBSecurityPolicy-TLS-1-2-2017-01",
                    vec![Edit { range: value_field.expr.range, text: "\"ELBSecurityPolicy-TLS-1-2-2017-01\"".into() }],
                );
                let message =
                    format!("`{}` references {policy}, which accepts TLS 1.0 and legacy ciphers", res.address());
                ctx.report_with_fix(res, value_field.range, message, fix);
                continue;
            }
            if value.as_bool() != Some(true) {
                continue;
            }
            let Some(why) = weakness(&name) else { continue };
            let replacement = if matches!(value, crate::value::Value::Bool(_)) { "false" } else { "\"false\"" };
            let fix = Fix::new(
                format!("Disable {name}"),
                vec![Edit { range: value_field.expr.range, text: replacement.into() }],
            );
            let message = format!("`{}` enables {name}, {why}", res.address());
            ctx.report_with_fix(res, name_field.range, message, fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{weakness, RULE};
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn classifies_names() {
        for weak in [
            "Protocol-TLSv1",
            "Protocol-SSLv3",
            "TLS_RSA_ARCFOUR_128_SHA1",
            "DES-CBC3-SHA",
            "RC4-MD5",
            "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384",
            "EXP-RC4-MD5",
            "CAMELLIA128-SHA",
        ] {
            assert!(weakness(weak).is_some(), "{weak}");
        }
        for fine in [
            "Protocol-TLSv1.2",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-RSA-AES256-SHA384",
            "Server-Defined-Cipher-Order",
            "AES128-GCM-SHA256",
        ] {
            assert!(weakness(fine).is_none(), "{fine}");
        }
    }

    #[test]
    fn flags_enabled_weak_attributes_and_old_references() {
        let text = r#"resource "aws_load_balancer_policy" "a" {
  policy_type_name = "SSLNegotiationPolicyType"
  policy_attribute {
    name  = "Protocol-TLSv1.2"
    value = "true"
  }
  policy_attribute {
    name  = "Protocol-TLSv1"
    value = "true"
  }
  policy_attribute {
    name  = "DES-CBC3-SHA"
    value = true
  }
}
resource "aws_load_balancer_policy" "b" {
  policy_type_name = "SSLNegotiationPolicyType"
  policy_attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-2015-05"
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![8, 12, 20]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn ignores_disabled_other_types_and_modern_references() {
        let text = r#"resource "aws_load_balancer_policy" "a" {
  policy_type_name = "SSLNegotiationPolicyType"
  policy_attribute {
    name  = "Protocol-SSLv3"
    value = "false"
  }
  policy_attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-TLS-1-1-2017-01"
  }
  policy_attribute {
    name  = "RC4-SHA"
    value = var.rc4
  }
}
resource "aws_load_balancer_policy" "b" {
  policy_type_name = "PublicKeyPolicyType"
  policy_attribute {
    name  = "PublicKey"
    value = file("key")
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_policies() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  A:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Policies:
        - PolicyName: p
          PolicyType: SSLNegotiationPolicyType
          Attributes:
            - Name: Protocol-TLSv1
              Value: true
            - Name: Protocol-TLSv1.2
              Value: true
            - Name: DES-CBC3-SHA
              Value: 'false'
            - Name: Reference-Security-Policy
              Value: ELBSecurityPolicy-2015-05
            - Name: RC4-SHA
              Value: !Ref P
        - PolicyName: q
          PolicyType: PublicKeyPolicyType
          Attributes:
            - {Name: Protocol-SSLv3, Value: 'true'}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [9, 16]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
