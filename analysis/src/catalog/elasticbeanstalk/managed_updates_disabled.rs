use crate::cloudformation::check::CfnContext;
use crate::kit::beanstalk::{check_cfn as check_option_cfn, check_tf, BeanstalkOption};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "beanstalk-managed-updates-disabled",
    title: "Elastic Beanstalk environment does not apply managed platform updates",
    severity: Severity::Medium,
    row: Row::OsPatching,
    service: "Elastic Beanstalk",
    why: "Managed actions apply platform patches (operating system, language runtime, web server) in a maintenance window; without them the environment keeps running the platform version it was created with, accumulating known vulnerabilities.",
    aws_side: "AWS publishes and applies platform updates when allowed to. Allowing them is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_340"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Elastic Beanstalk environments whose `ManagedActionsEnabled` option (`aws:elasticbeanstalk:managedactions`) is absent or not `true` (Terraform `setting` blocks, CloudFormation `OptionSettings`), reading the configuration template it names when the configuration declares it.",
        fix: "Add the option `ManagedActionsEnabled = true` in the `aws:elasticbeanstalk:managedactions` namespace.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elastic_beanstalk_environment"],
            check,
            example: r#"resource "aws_elastic_beanstalk_environment" "web" {
  name                = "web"
  application         = aws_elastic_beanstalk_application.app.name
  solution_stack_name = "64bit Amazon Linux 2023 v6.1.0 running Node.js 20"
}"#,
            fixed_example: r#"resource "aws_elastic_beanstalk_environment" "web" {
  name                = "web"
  application         = aws_elastic_beanstalk_application.app.name
  solution_stack_name = "64bit Amazon Linux 2023 v6.1.0 running Node.js 20"
  setting {
    namespace = "aws:elasticbeanstalk:managedactions"
    name      = "ManagedActionsEnabled"
    value     = "true"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticBeanstalk::Environment"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticBeanstalk::Environment
    Properties:
      ApplicationName: !Ref App
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticBeanstalk::Environment
    Properties:
      ApplicationName: !Ref App
      OptionSettings:
        - Namespace: aws:elasticbeanstalk:managedactions
          OptionName: ManagedActionsEnabled
          Value: 'true'
"#,
        }),
    },
};

fn is_true(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

static OPTION: BeanstalkOption = BeanstalkOption {
    namespace: "aws:elasticbeanstalk:managedactions",
    name: "ManagedActionsEnabled",
    secure: is_true,
    fix_value: "true",
    problem:
        "platform patches are not applied in a maintenance window (also set `PreferredStartTime` and the update level)",
    fix_title: "Turn managed platform updates on",
};

fn check(ctx: &mut TfContext) {
    check_tf(ctx, &OPTION);
}

fn check_cfn(ctx: &mut CfnContext) {
    check_option_cfn(ctx, &OPTION);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines, tf_example};

    #[test]
    fn flags_the_option_left_out_or_off() {
        let (tf, cfn) = (tf_example(&RULE), cfn_example(&RULE));
        assert_eq!(check_fixes(&RULE, &tf.0), 1);
        assert!(lines(&RULE, &tf.1).is_empty());
        let off = r#"resource "aws_elastic_beanstalk_environment" "e" {
  setting {
    namespace = "aws:elasticbeanstalk:managedactions"
    name      = "ManagedActionsEnabled"
    value     = "false"
  }
}
"#;
        assert_eq!(lines(&RULE, off), [5]);
        assert_eq!(check_fixes(&RULE, off), 1);
        // A template the configuration does not declare may set it.
        let elsewhere = "resource \"aws_elastic_beanstalk_environment\" \"e\" {\n  template_name = \"shared\"\n}\n";
        assert!(lines(&RULE, elsewhere).is_empty());
        assert_eq!(check_cfn_fixes(&RULE, &cfn.0), 1);
        assert!(cfn_lines(&RULE, &cfn.1).is_empty());
    }
}
