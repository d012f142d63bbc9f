use crate::cloudformation::check::CfnContext;
use crate::kit::beanstalk::{check_cfn as check_option_cfn, check_tf, BeanstalkOption};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "beanstalk-enhanced-health-disabled",
    title: "Elastic Beanstalk environment uses basic health reporting",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Elastic Beanstalk",
    why: "Basic health only sees the load balancer's checks; enhanced health reports per-instance application metrics, latency and causes, which is how degradations and attacks (error spikes, resource exhaustion) get noticed.",
    aws_side: "AWS collects enhanced health data when enabled. Enabling it is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_312"],
        kics: &[],
        trivy: &[],
        how: "Checkov looks for a `HealthStreamingEnabled` option in the `healthreporting:system` namespace, where it does not live; `SystemType` is the switch.",
    },
    matcher: &Custom {
        what: "Flags Elastic Beanstalk environments whose `SystemType` option (`aws:elasticbeanstalk:healthreporting:system`) is absent or `basic` (Terraform `setting` blocks, CloudFormation `OptionSettings`), reading the configuration template it names when the configuration declares it.",
        fix: "Add the option `SystemType = enhanced` in the `aws:elasticbeanstalk:healthreporting:system` namespace.",
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
    namespace = "aws:elasticbeanstalk:healthreporting:system"
    name      = "SystemType"
    value     = "enhanced"
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
        - Namespace: aws:elasticbeanstalk:healthreporting:system
          OptionName: SystemType
          Value: enhanced
"#,
        }),
    },
};

fn is_enhanced(v: &str) -> bool {
    v.eq_ignore_ascii_case("enhanced")
}

static OPTION: BeanstalkOption = BeanstalkOption {
    namespace: "aws:elasticbeanstalk:healthreporting:system",
    name: "SystemType",
    secure: is_enhanced,
    fix_value: "enhanced",
    problem: "only basic, load-balancer-level health is reported",
    fix_title: "Turn enhanced health reporting on",
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
    namespace = "aws:elasticbeanstalk:healthreporting:system"
    name      = "SystemType"
    value     = "basic"
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
