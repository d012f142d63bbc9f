use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "codebuild-privileged-mode",
    title: "CodeBuild project runs builds in privileged mode",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "CodeBuild",
    why: "Privileged builds run a Docker daemon with full host capabilities; any dependency or pull-request code the build executes can escape its container and reach the build host and its credentials.",
    aws_side: "AWS isolates build hosts per build. What the build may do inside is the customer's setting.",
    equivalents: Equivalents { checkov: &["CKV_AWS_316"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf { types: &["aws_codebuild_project"], path: "environment.privileged_mode", example: r#"resource "aws_codebuild_project" "build" {
  name = "build"
  environment {
    compute_type    = "BUILD_GENERAL1_SMALL"
    image           = "aws/codebuild/standard:7.0"
    type            = "LINUX_CONTAINER"
    privileged_mode = true
  }
}"#, fixed: r#"resource "aws_codebuild_project" "build" {
  name = "build"
  environment {
    compute_type    = "BUILD_GENERAL1_SMALL"
    image           = "aws/codebuild/standard:7.0"
    type            = "LINUX_CONTAINER"
    privileged_mode = false
  }
}"#, ..Tf::DEFAULT }),
        cloudformation: Some(Cfn { types: &["AWS::CodeBuild::Project"], path: "Environment.PrivilegedMode", example: r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Environment:
        ComputeType: BUILD_GENERAL1_SMALL
        Image: aws/codebuild/standard:7.0
        Type: LINUX_CONTAINER
        PrivilegedMode: true
"#, fixed: r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Environment:
        ComputeType: BUILD_GENERAL1_SMALL
        Image: aws/codebuild/standard:7.0
        Type: LINUX_CONTAINER
        PrivilegedMode: false
"#, ..Cfn::DEFAULT }),
        want: Want::Bool(false),
        absent: None,
        insecure: "its builds run with full host capabilities (builds that build Docker images need it: use a dedicated project and suppress)",
        fix_title: "Run builds unprivileged (Docker-in-Docker builds will stop working)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines, tf_example};

    #[test]
    fn flags_the_setting_in_both_formats() {
        let (tf, cfn) = (tf_example(&RULE), cfn_example(&RULE));
        assert_eq!(check_fixes(&RULE, &tf.0), 1);
        assert!(lines(&RULE, &tf.1).is_empty());
        assert!(lines(&RULE, "resource \"aws_codebuild_project\" \"b\" {\n  name = \"b\"\n}\n").is_empty());
        assert_eq!(check_cfn_fixes(&RULE, &cfn.0), 1);
        assert!(cfn_lines(&RULE, &cfn.1).is_empty());
        assert_eq!(cfn_lines(&RULE, &cfn.0.replace(": true", ": 'true'")).len(), 1);
    }
}
