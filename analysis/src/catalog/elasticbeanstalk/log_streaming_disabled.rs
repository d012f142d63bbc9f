use crate::cloudformation::check::CfnContext;
use crate::kit::beanstalk::{check_cfn as check_option_cfn, check_tf, BeanstalkOption};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "beanstalk-log-streaming-disabled",
    title: "Elastic Beanstalk environment does not stream instance logs to CloudWatch",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Elastic Beanstalk",
    why: "Beanstalk replaces instances freely; logs kept only on the instance vanish with it, taking the evidence of errors and intrusions along.",
    aws_side: "AWS ships the logs once streaming is on. Turning it on (and setting a retention) is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Elastic Beanstalk environments whose `StreamLogs` option (`aws:elasticbeanstalk:cloudwatch:logs`) is absent or not `true` (Terraform `setting` blocks, CloudFormation `OptionSettings`), reading the configuration template it names when the configuration declares it.",
        fix: "Add the option `StreamLogs = true` in the `aws:elasticbeanstalk:cloudwatch:logs` namespace.",
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
    namespace = "aws:elasticbeanstalk:cloudwatch:logs"
    name      = "StreamLogs"
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
        - Namespace: aws:elasticbeanstalk:cloudwatch:logs
          OptionName: StreamLogs
          Value: 'true'
"#,
        }),
    },
};

fn is_true(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

static OPTION: BeanstalkOption = BeanstalkOption {
    namespace: "aws:elasticbeanstalk:cloudwatch:logs",
    name: "StreamLogs",
    secure: is_true,
    fix_value: "true",
    problem: "instance logs are lost with the instances (also set `RetentionInDays`)",
    fix_title: "Stream the instance logs to CloudWatch",
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
    namespace = "aws:elasticbeanstalk:cloudwatch:logs"
    name      = "StreamLogs"
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
