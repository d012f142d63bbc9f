use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Matcher, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "emr-cluster-no-security-configuration",
    title: "EMR cluster has no security configuration",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "EMR",
    why: "The security configuration is where EMR's encryption at rest (S3, local disks, EBS), encryption in \
          transit and Kerberos are switched on; a cluster without one processes and shuffles its data unencrypted.",
    aws_side: "AWS applies whatever security configuration the cluster names. Providing one is the customer's.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_55"], kics: &["48af92a5-c89b-4936-bc62-1086fe2bab23"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags EMR clusters (`aws_emr_cluster`, `AWS::EMR::Cluster`) without a `security_configuration` \
               (`SecurityConfiguration`), or, in CloudFormation, whose security configuration is a reference to \
               nothing the template declares, or a name that is none of the template's own security \
               configurations.",
        fix: "Create an `aws_emr_security_configuration` that encrypts at rest and in transit, and name it in \
              `security_configuration`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_emr_cluster"],
            check,
            example: TF_EXAMPLE,
            fixed_example: TF_FIXED,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EMR::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Analytics:
    Type: AWS::EMR::Cluster
    Properties:
      Name: analytics
      ReleaseLabel: emr-7.0.0
"#,
            fixed_example: r#"Resources:
  Analytics:
    Type: AWS::EMR::Cluster
    Properties:
      Name: analytics
      ReleaseLabel: emr-7.0.0
      SecurityConfiguration: '<security-configuration-name>'
"#,
        }),
    },
};

const TF_EXAMPLE: &str = r#"resource "aws_emr_cluster" "analytics" {
  name          = "analytics"
  release_label = "emr-7.0.0"
}"#;
const TF_FIXED: &str = r#"resource "aws_emr_cluster" "analytics" {
  name          = "analytics"
  release_label = "emr-7.0.0"
  security_configuration = "<security-configuration-name>"
}"#;
const PLACEHOLDER: &str = "<security-configuration-name>";
const ABSENT: &str = "its data is processed and stored without EMR's encryption";
const FIX: &str = "Name a security configuration (placeholder to replace)";

static TF_SETTING: Setting = Setting {
    terraform: Some(Tf {
        types: &["aws_emr_cluster"],
        path: "security_configuration",
        example: TF_EXAMPLE,
        fixed: TF_FIXED,
        ..Tf::DEFAULT
    }),
    want: Want::Present { placeholder: PLACEHOLDER },
    absent: Some(ABSENT),
    insecure: ABSENT,
    fix_title: FIX,
    ..Setting::DEFAULT
};

fn check(ctx: &mut TfContext) {
    TF_SETTING.check_terraform(ctx);
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EMR::Cluster").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        match ctx.prop(res, "SecurityConfiguration") {
            None | Some((_, Value::Null)) => {
                let edit = cfn_edit::set_property(ctx.template, res, "SecurityConfiguration", &json!(PLACEHOLDER));
                let message = format!("`{}` does not set `SecurityConfiguration`: {ABSENT}", res.logical_id);
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
            }
            Some((node, value)) if node.intrinsic().is_none() => {
                // A name: when the template declares security configurations and this is none of them (by
                // logical id or name), it is a reference gone wrong rather than one managed elsewhere.
                let Some(name) = value.as_str() else { continue };
                let declared: Vec<_> = ctx.resources("AWS::EMR::SecurityConfiguration").collect();
                let matches = declared.iter().any(|c| {
                    c.logical_id == name || ctx.prop(*c, "Name").is_some_and(|(_, n)| n.as_str() == Some(name))
                });
                if !declared.is_empty() && !matches {
                    let ids: Vec<String> = declared.iter().map(|c| format!("`{}`", c.logical_id)).collect();
                    let message = format!(
                        "`{}` names the security configuration `{name}`, none of the template's ({})",
                        res.logical_id,
                        ids.join(", ")
                    );
                    let range = ctx.prop_range(res, "SecurityConfiguration").unwrap_or(node.range);
                    ctx.report(res, range, message);
                }
            }
            Some((node, _)) => {
                let Some(("Ref", arg)) = node.intrinsic() else { continue };
                let Some(name) = arg.as_str() else { continue };
                let declared = ctx.template.resources().any(|r| r.logical_id == name)
                    || ctx.template.root.get("Parameters").and_then(|p| p.get(name)).is_some()
                    || name.starts_with("AWS::");
                if !declared {
                    let message = format!(
                        "`{}` names the security configuration `{name}`, which the template does not declare",
                        res.logical_id
                    );
                    let range = ctx.prop_range(res, "SecurityConfiguration").unwrap_or(node.range);
                    ctx.report(res, range, message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_without_security_configuration() {
        let tf = "resource \"aws_emr_cluster\" \"a\" {\n  name = \"a\"\n}\nresource \"aws_emr_cluster\" \"b\" {\n  security_configuration = aws_emr_security_configuration.s.name\n}\n";
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let literal = "Resources:\n  A:\n    Type: AWS::EMR::Cluster\n    Properties:\n      SecurityConfiguration: securityConfiguration1\n  B:\n    Type: AWS::EMR::Cluster\n    Properties:\n      SecurityConfiguration: securityConfiguration\n  securityConfiguration:\n    Type: AWS::EMR::SecurityConfiguration\n";
        assert_eq!(cfn_lines(&RULE, literal), [5]);
        // Without security configurations of its own, the template names one managed elsewhere.
        assert!(cfn_lines(
            &RULE,
            "Resources:\n  A:\n    Type: AWS::EMR::Cluster\n    Properties:\n      SecurityConfiguration: shared\n"
        )
        .is_empty());
        let yaml = "Resources:\n  A:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: a\n  B:\n    Type: AWS::EMR::Cluster\n    Properties:\n      SecurityConfiguration: !Ref securityConfiguration1\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n      SecurityConfiguration: !Ref Sec\n  Sec:\n    Type: AWS::EMR::SecurityConfiguration\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
        let (bad, _) = cfn_example(&RULE);
        assert_eq!(check_cfn_fixes(&RULE, &bad), 1);
    }
}
