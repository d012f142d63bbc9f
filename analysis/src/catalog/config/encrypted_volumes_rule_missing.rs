use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::setting::add_cfn_resource;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "config-encrypted-volumes-rule-missing",
    title: "AWS Config rules do not check that EBS volumes are encrypted",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "AWS Config",
    why: "A configuration that sets up AWS Config rules is the account's detective control, and without the \
          `ENCRYPTED_VOLUMES` managed rule an unencrypted EBS volume, created by hand, by another tool or before \
          default encryption was turned on, is never reported: its data and every snapshot of it stay in clear.",
    aws_side: "AWS runs the `encrypted-volumes` managed rule and reports each attached volume's compliance once \
               the rule is created; choosing which rules to run is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["abdb29d4-5ca1-4e91-800b-b3569bbd788c", "1b6322d9-c755-4f8c-b804-32c19250f2d9"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags configurations that create AWS Config rules (`aws_config_config_rule`, \
               `AWS::Config::ConfigRule`) of which none has the source identifier `ENCRYPTED_VOLUMES`: in \
               Terraform the first such rule of each file, in CloudFormation every such rule of the template. A \
               rule whose source identifier is not known passes the configuration, unless its owner is \
               `CUSTOM_LAMBDA` or `CUSTOM_POLICY` (then it is a function's ARN or `DEFAULT`).",
        fix: "Add a Config rule with the AWS-managed source `ENCRYPTED_VOLUMES` (it needs the configuration \
              recorder the other rules use).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_config_config_rule"],
            check,
            example: r#"resource "aws_config_config_rule" "password_policy" {
  name = "iam-password-policy"
  source {
    owner             = "AWS"
    source_identifier = "IAM_PASSWORD_POLICY"
  }
}"#,
            fixed_example: r#"resource "aws_config_config_rule" "password_policy" {
  name = "iam-password-policy"
  source {
    owner             = "AWS"
    source_identifier = "IAM_PASSWORD_POLICY"
  }
}

resource "aws_config_config_rule" "encrypted_volumes" {
  name = "encrypted-volumes"
  source {
    owner             = "AWS"
    source_identifier = "ENCRYPTED_VOLUMES"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Config::ConfigRule"],
            check: check_cfn,
            example: r#"Resources:
  PasswordPolicy:
    Type: AWS::Config::ConfigRule
    Properties:
      Source:
        Owner: AWS
        SourceIdentifier: IAM_PASSWORD_POLICY
"#,
            fixed_example: r#"Resources:
  PasswordPolicy:
    Type: AWS::Config::ConfigRule
    Properties:
      Source:
        Owner: AWS
        SourceIdentifier: IAM_PASSWORD_POLICY
  EncryptedVolumesRule:
    Type: AWS::Config::ConfigRule
    Properties:
      Source:
        Owner: AWS
        SourceIdentifier: ENCRYPTED_VOLUMES
"#,
        }),
    },
};

const SOURCE: &str = "ENCRYPTED_VOLUMES";
const FIX: &str = "Add the ENCRYPTED_VOLUMES Config rule";
const ABSENT: &str = "none of the configuration's AWS Config rules runs the `ENCRYPTED_VOLUMES` managed rule, so \
                      unencrypted EBS volumes go unreported";

/// Whether a rule's source may be `ENCRYPTED_VOLUMES`: its identifier is, or is not known while its owner may
/// be AWS (a custom rule's identifier is a Lambda function's ARN or `DEFAULT`, never a managed rule's).
fn may_be_encrypted_volumes(owner: Option<Value>, identifier: Option<Value>) -> bool {
    let custom = owner.as_ref().and_then(Value::as_str).is_some_and(|o| o.to_ascii_uppercase().starts_with("CUSTOM_"));
    match identifier {
        Some(Value::String(s)) => s == SOURCE,
        None | Some(Value::Null) => false,
        Some(v) => !v.is_known() && !custom,
    }
}

fn checks_volumes(ctx: &TfContext, rule: Resource) -> bool {
    ctx.nested(rule.config(), "source").into_iter().any(|source| {
        let value = |name| ctx.field(source, name).map(|(_, v)| v);
        may_be_encrypted_volumes(value("owner"), value("source_identifier"))
    })
}

fn check(ctx: &mut TfContext) {
    let rules: Vec<Resource> = ctx.all_resources("aws_config_config_rule").collect();
    if rules.is_empty() || rules.iter().any(|r| checks_volumes(ctx, *r)) {
        return;
    }
    // The first rule of each file, by position.
    let first_of = |file: usize| rules.iter().filter(|r| r.file == file).map(|r| r.block.header.start).min();
    let taken: Vec<String> = rules.iter().map(|r| r.name().to_string()).collect();
    let mut name = "encrypted_volumes".to_string();
    while taken.contains(&name) {
        name.push_str("_rule");
    }
    for res in ctx.resources("aws_config_config_rule").collect::<Vec<_>>() {
        if first_of(res.file) != Some(res.block.header.start) {
            continue;
        }
        let text = format!(
            "resource \"aws_config_config_rule\" \"{name}\" {{\n  name = \"encrypted-volumes\"\n  source {{\n    owner             = \"AWS\"\n    source_identifier = \"{SOURCE}\"\n  }}\n}}"
        );
        let fix = Fix::unsafe_(FIX, vec![edit::insert_after(ctx.file(res), res.block, &text)]);
        ctx.report_with_fix(res, res.block.header, format!("`{}`: {ABSENT}", res.address()), fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let rules: Vec<_> = ctx.resources("AWS::Config::ConfigRule").collect();
    let checked = rules.iter().any(|r| {
        let value = |path| ctx.prop(*r, path).map(|(_, v)| v);
        may_be_encrypted_volumes(value("Source.Owner"), value("Source.SourceIdentifier"))
    });
    if checked {
        return;
    }
    let resource = json!({
        "Type": "AWS::Config::ConfigRule",
        "Properties": { "Source": { "Owner": "AWS", "SourceIdentifier": SOURCE } }
    });
    for res in rules {
        let fix = add_cfn_resource(ctx, "EncryptedVolumesRule", &resource).map(|e| Fix::unsafe_(FIX, vec![e]));
        let range = ctx.header(res);
        ctx.report(res, range, format!("`{}`: {ABSENT}", res.logical_id)).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_the_first_rule_when_none_checks_volumes() {
        let tf = r#"resource "aws_config_config_rule" "a" {
  name = "a"
  source {
    owner             = "AWS"
    source_identifier = "IAM_PASSWORD_POLICY"
  }
}
resource "aws_config_config_rule" "b" {
  name = "b"
  source {
    owner             = "AWS"
    source_identifier = "ACCESS_KEYS_ROTATED"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn a_volumes_rule_or_an_unknown_source_passes() {
        let with = r#"resource "aws_config_config_rule" "a" {
  source {
    owner             = "AWS"
    source_identifier = "IAM_PASSWORD_POLICY"
  }
}
resource "aws_config_config_rule" "b" {
  source {
    owner             = "AWS"
    source_identifier = "ENCRYPTED_VOLUMES"
  }
}
"#;
        assert!(lines(&RULE, with).is_empty());
        let unknown = r#"variable "rule" {}
resource "aws_config_config_rule" "a" {
  source {
    owner             = "AWS"
    source_identifier = "IAM_PASSWORD_POLICY"
  }
}
resource "aws_config_config_rule" "b" {
  source {
    owner             = "AWS"
    source_identifier = var.rule
  }
}
"#;
        assert!(lines(&RULE, unknown).is_empty());
        let custom = unknown.replace(
            "owner             = \"AWS\"\n    source_identifier = var.rule",
            "owner             = \"CUSTOM_LAMBDA\"\n    source_identifier = aws_lambda_function.check.arn",
        );
        assert_eq!(lines(&RULE, &custom), [2]);
        assert!(lines(&RULE, "resource \"aws_ebs_volume\" \"v\" {\n  size = 1\n}\n").is_empty());
    }

    #[test]
    fn one_finding_per_file() {
        use crate::kit::testing::run_files;
        let rule = |name: &str, id: &str| {
            format!("resource \"aws_config_config_rule\" \"{name}\" {{\n  source {{\n    owner = \"AWS\"\n    source_identifier = \"{id}\"\n  }}\n}}\n")
        };
        let a = format!("{}{}", rule("a", "IAM_PASSWORD_POLICY"), rule("b", "ROOT_ACCOUNT_MFA_ENABLED"));
        let b = rule("c", "S3_BUCKET_VERSIONING_ENABLED");
        let findings = run_files(&RULE, &[("a.tf", a.as_str()), ("b.tf", b.as_str())]);
        assert_eq!(findings.len(), 2);
        let volumes = rule("d", "ENCRYPTED_VOLUMES");
        assert!(run_files(&RULE, &[("a.tf", a.as_str()), ("b.tf", volumes.as_str())]).is_empty());
    }

    #[test]
    fn cloudformation_rules() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source:\n        Owner: AWS\n        SourceIdentifier: IAM_PASSWORD_POLICY\n  B:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source:\n        Owner: AWS\n        SourceIdentifier: ACCESS_KEYS_ROTATED\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let with = format!(
            "{yaml}  C:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source:\n        Owner: AWS\n        SourceIdentifier: ENCRYPTED_VOLUMES\n"
        );
        assert!(cfn_lines(&RULE, &with).is_empty());
        let unknown = "Parameters:\n  Id: {Type: String}\nResources:\n  A:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source:\n        Owner: AWS\n        SourceIdentifier: !Ref Id\n";
        assert!(cfn_lines(&RULE, unknown).is_empty());
        // A custom rule's identifier is a function's ARN: not the managed rule, known or not.
        let custom = "Resources:\n  A:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source:\n        Owner: CUSTOM_LAMBDA\n        SourceIdentifier: !GetAtt Check.Arn\n  Check:\n    Type: AWS::Lambda::Function\n";
        assert_eq!(cfn_lines(&RULE, custom), [2]);
    }
}
