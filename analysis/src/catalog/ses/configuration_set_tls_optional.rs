use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::setting::{set_cfn_path, set_in_config};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ses-configuration-set-tls-optional",
    title: "SES configuration set does not require TLS for delivery",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "SES",
    why: "With TLS optional, mail is delivered in clear to receiving servers that do not offer STARTTLS, and an \
          attacker on the path can strip it.",
    aws_side: "SES uses TLS when the receiver supports it; requiring it is the customer's choice (messages to \
               servers without TLS then bounce).",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_365"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_365 checks `aws_ses_configuration_set` only.",
    },
    matcher: &Custom {
        what: "Flags `aws_ses_configuration_set` and `aws_sesv2_configuration_set` without \
               `delivery_options.tls_policy` set to `Require` (`REQUIRE`); in CloudFormation, \
               `AWS::SES::ConfigurationSet` without `DeliveryOptions.TlsPolicy: REQUIRE`.",
        fix: "Set `delivery_options { tls_policy = \"Require\" }` (`\"REQUIRE\"` for SES v2).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ses_configuration_set", "aws_sesv2_configuration_set"],
            check,
            example: r#"resource "aws_ses_configuration_set" "mail" {
  name = "mail"
}"#,
            fixed_example: r#"resource "aws_ses_configuration_set" "mail" {
  name = "mail"
  delivery_options {
    tls_policy = "Require"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SES::ConfigurationSet"],
            check: check_cfn,
            example: r#"Resources:
  Mail:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: mail
"#,
            fixed_example: r#"Resources:
  Mail:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: mail
      DeliveryOptions:
        TlsPolicy: REQUIRE
"#,
        }),
    },
};

const FIX: &str = "Require TLS for delivery";

fn check(ctx: &mut TfContext) {
    for ty in ["aws_ses_configuration_set", "aws_sesv2_configuration_set"] {
        let require = if ty == "aws_ses_configuration_set" { "Require" } else { "REQUIRE" };
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let file = ctx.file(res);
            let address = res.address();
            let options = ctx.nested(res.config(), "delivery_options");
            if options.is_empty() {
                let text = format!("delivery_options {{\n  tls_policy = \"{require}\"\n}}");
                let fix = Fix::new(FIX, vec![edit::insert_in_block(file, res.block, &text)]);
                ctx.report_with_fix(
                    res,
                    res.block.header,
                    format!("`{address}` has no `delivery_options`, so TLS is optional for delivery"),
                    fix,
                );
            }
            for config in options {
                match ctx.field(config, "tls_policy") {
                    None => {
                        let fix = set_in_config(file, config, "tls_policy", &format!("\"{require}\""))
                            .map(|e| Fix::new(FIX, vec![e]));
                        ctx.report(
                            res,
                            config.header(),
                            format!("`{address}` does not set `delivery_options.tls_policy`, so TLS is optional"),
                        )
                        .fixes
                        .extend(fix);
                    }
                    Some((field, Value::String(p))) if !p.eq_ignore_ascii_case("Require") => {
                        let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: format!("\"{require}\"") }]);
                        ctx.report_with_fix(
                            res,
                            field.range,
                            format!("`{address}` sets `tls_policy = \"{p}\"`, so TLS is optional for delivery"),
                            fix,
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SES::ConfigurationSet").collect::<Vec<_>>() {
        let id = res.logical_id;
        match ctx.prop(res, "DeliveryOptions.TlsPolicy") {
            Some((node, Value::String(p))) if !p.eq_ignore_ascii_case("REQUIRE") => {
                let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!("REQUIRE"))]);
                let range = ctx.prop_range(res, "DeliveryOptions.TlsPolicy").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` sets `TlsPolicy: {p}`, so TLS is optional for delivery"))
                    .fixes
                    .push(fix);
            }
            None | Some((_, Value::Null)) => {
                if ctx.prop(res, "DeliveryOptions").is_some_and(|(n, _)| n.intrinsic().is_some()) {
                    continue;
                }
                let fix = Fix::new(
                    FIX,
                    vec![set_cfn_path(ctx.template, res, "DeliveryOptions.TlsPolicy", &json!("REQUIRE"))],
                );
                let range = ctx.header(res);
                ctx.report(
                    res,
                    range,
                    format!("`{id}` does not set `DeliveryOptions.TlsPolicy`, so TLS is optional for delivery"),
                )
                .fixes
                .push(fix);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn optional_tls() {
        let tf = "resource \"aws_ses_configuration_set\" \"a\" {\n}\nresource \"aws_sesv2_configuration_set\" \"b\" {\n  delivery_options {\n    tls_policy = \"OPTIONAL\"\n  }\n}\nresource \"aws_ses_configuration_set\" \"c\" {\n  delivery_options {\n    tls_policy = \"Require\"\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::SES::ConfigurationSet\n  B:\n    Type: AWS::SES::ConfigurationSet\n    Properties:\n      DeliveryOptions:\n        TlsPolicy: OPTIONAL\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
