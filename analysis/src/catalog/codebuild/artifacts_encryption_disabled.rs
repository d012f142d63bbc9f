use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "codebuild-artifacts-encryption-disabled",
    title: "CodeBuild project stores build artifacts unencrypted",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "CodeBuild",
    why: "Unencrypted artifacts in S3 are readable by anyone who can read the bucket, or by anyone at all if the \
          bucket is later made public; builds often carry secrets and proprietary code.",
    aws_side: "CodeBuild encrypts artifacts unless told not to. The opt-out is the customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_78"],
        kics: &[],
        trivy: &["AVD-AWS-0018", "aws-codebuild-enable-encryption"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags CodeBuild projects whose primary or secondary artifacts (other than `NO_ARTIFACTS`) set \
               `encryption_disabled = true` (CloudFormation `Artifacts.EncryptionDisabled`, \
               `SecondaryArtifacts[].EncryptionDisabled`).",
        fix: "Remove `encryption_disabled` (or set it to `false`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_codebuild_project"],
            check,
            example: r#"resource "aws_codebuild_project" "build" {
  name = "build"
  artifacts {
    type                = "S3"
    location            = aws_s3_bucket.artifacts.bucket
    encryption_disabled = true
  }
}"#,
            fixed_example: r#"resource "aws_codebuild_project" "build" {
  name = "build"
  artifacts {
    type                = "S3"
    location            = aws_s3_bucket.artifacts.bucket
    encryption_disabled = false
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CodeBuild::Project"],
            check: check_cfn,
            example: r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Artifacts:
        Type: S3
        Location: !Ref ArtifactBucket
        EncryptionDisabled: true
"#,
            fixed_example: r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Artifacts:
        Type: S3
        Location: !Ref ArtifactBucket
        EncryptionDisabled: false
"#,
        }),
    },
};

const FIX: &str = "Encrypt the artifacts";

fn no_artifacts(v: Option<Value>) -> bool {
    v.and_then(|v| v.as_str().map(|s| s.eq_ignore_ascii_case("NO_ARTIFACTS"))) == Some(true)
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_codebuild_project").collect::<Vec<_>>() {
        for name in ["artifacts", "secondary_artifacts"] {
            for a in ctx.nested(res.config(), name) {
                if no_artifacts(ctx.field(a, "type").map(|(_, v)| v)) {
                    continue;
                }
                let Some((field, v)) = ctx.field(a, "encryption_disabled") else { continue };
                if v.as_bool() != Some(true) {
                    continue;
                }
                let message = format!("`{}` stores its {} unencrypted", res.address(), name.replace('_', " "));
                let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "false".into() }]);
                ctx.report_with_fix(res, field.range, message, fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CodeBuild::Project").collect::<Vec<_>>() {
        let Some(props) = res.properties else { continue };
        let mut artifacts: Vec<(&str, &Node)> = props.get("Artifacts").map(|a| ("artifacts", a)).into_iter().collect();
        for a in props.get("SecondaryArtifacts").map(Node::items).unwrap_or_default() {
            artifacts.push(("secondary artifacts", a));
        }
        for (what, a) in artifacts {
            if no_artifacts(a.get("Type").map(|n| ctx.eval(n))) {
                continue;
            }
            let Some(entry) = a.entry("EncryptionDisabled") else { continue };
            if ctx.eval(&entry.value).as_bool() != Some(true) {
                continue;
            }
            let message = format!("`{}` stores its {what} unencrypted", res.logical_id);
            let edit = cfn_edit::replace_value(ctx.template, &entry.value, &json!(false));
            ctx.report(res, entry.range, message).fixes.push(Fix::new(FIX, vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_unencrypted_artifacts() {
        let tf = r#"resource "aws_codebuild_project" "a" {
  artifacts {
    type                = "NO_ARTIFACTS"
    encryption_disabled = true
  }
  secondary_artifacts {
    type                = "S3"
    encryption_disabled = true
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [8]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::CodeBuild::Project\n    Properties:\n      Artifacts: {Type: S3, EncryptionDisabled: 'true'}\n      SecondaryArtifacts:\n        - Type: S3\n          EncryptionDisabled: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
