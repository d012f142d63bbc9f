use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::refs::{cfn_named, reference, RefKind};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, TfContext};

pub static RULE: Rule = Rule {
    id: "vpc-endpoint-dns-resolution-disabled",
    title: "Interface VPC endpoint sits in a VPC with DNS resolution turned off",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "Without DNS resolution in the VPC the endpoint's private DNS names do not resolve, so SDKs keep resolving \
          the public service endpoint and traffic silently leaves through the NAT or internet gateway instead of \
          the private endpoint, bypassing endpoint policies and network isolation.",
    aws_side: "AWS provides the Route 53 Resolver and private DNS for endpoints. Turning DNS support on in the VPC \
               is the customer's setting.",
    equivalents: Equivalents { checkov: &[], kics: &["e9b7acf9-9ba0-4837-a744-31e7df1e434d"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags interface VPC endpoints (`aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint` of type `Interface`) whose \
               VPC, declared in the configuration, sets `enable_dns_support = false` (CloudFormation \
               `EnableDnsSupport`), and `terraform-aws-modules/vpc` calls that turn DNS support off.",
        fix: "Set `enable_dns_support = true` (and `enable_dns_hostnames = true` for private DNS names) on the VPC.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_vpc_endpoint"],
            check,
            example: r#"module "vpc" {
  source             = "terraform-aws-modules/vpc/aws"
  cidr               = "10.0.0.0/16"
  enable_dns_support = false
}"#,
            fixed_example: r#"module "vpc" {
  source             = "terraform-aws-modules/vpc/aws"
  cidr               = "10.0.0.0/16"
  enable_dns_support = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::VPCEndpoint"],
            check: check_cfn,
            example: r#"Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: false
  Sqs:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      VpcEndpointType: Interface
      ServiceName: com.amazonaws.eu-west-1.sqs
"#,
            fixed_example: r#"Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: true
  Sqs:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      VpcEndpointType: Interface
      ServiceName: com.amazonaws.eu-west-1.sqs
"#,
        }),
    },
};

const FIX: &str = "Turn DNS resolution on in the VPC";

fn check(ctx: &mut TfContext) {
    for endpoint in ctx.resources("aws_vpc_endpoint").collect::<Vec<_>>() {
        let interface = ctx
            .attr(endpoint.block, "vpc_endpoint_type")
            .is_some_and(|(_, v)| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Interface")));
        let Some(attr) = endpoint.block.attr("vpc_id").filter(|_| interface) else { continue };
        let Some(r) = reference(&attr.expr).filter(|r| r.kind == RefKind::Resource && r.ty == "aws_vpc") else {
            continue;
        };
        for vpc in r.targets(ctx) {
            let Some((dns, v)) = ctx.attr(vpc.block, "enable_dns_support") else { continue };
            if v.as_bool() != Some(false) {
                continue;
            }
            let message = format!(
                "`{}` is an interface endpoint in `{}`, whose DNS resolution is off: its private names do not resolve",
                endpoint.address(),
                vpc.address()
            );
            let finding = ctx.report(endpoint, attr.range, message);
            if vpc.file == endpoint.file {
                finding.fixes.push(Fix::new(FIX, vec![Edit { range: dns.expr.range, text: "true".into() }]));
            }
        }
    }
    for module in ctx.blocks("module").filter(|m| is_registry_module(m.block, "vpc")).collect::<Vec<_>>() {
        let Some((dns, v)) = ctx.attr(module.block, "enable_dns_support") else { continue };
        if v.as_bool() == Some(false) {
            let message = format!(
                "`{}` turns DNS resolution off: interface endpoints in the VPC do not resolve privately",
                module.address()
            );
            let fix = Fix::new(FIX, vec![Edit { range: dns.expr.range, text: "true".into() }]);
            ctx.report_with_fix(module, dns.range, message, fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for endpoint in ctx.resources("AWS::EC2::VPCEndpoint").collect::<Vec<_>>() {
        let interface = ctx
            .prop(endpoint, "VpcEndpointType")
            .is_some_and(|(_, v)| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Interface")));
        let Some((node, _)) = ctx.prop(endpoint, "VpcId").filter(|_| interface) else { continue };
        let Some(vpc) = cfn_named(ctx, node).filter(|v| v.ty == "AWS::EC2::VPC") else { continue };
        let Some((dns, v)) = ctx.prop(vpc, "EnableDnsSupport") else { continue };
        if v.as_bool() != Some(false) {
            continue;
        }
        let message = format!(
            "`{}` is an interface endpoint in `{}`, whose DNS resolution is off: its private names do not resolve",
            endpoint.logical_id, vpc.logical_id
        );
        let range = ctx.prop_range(endpoint, "VpcId").unwrap_or(ctx.header(endpoint));
        let edit = crate::cloudformation::edit::replace_value(ctx.template, dns, &serde_json::json!(true));
        ctx.report(endpoint, range, message).fixes.push(Fix::new(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_interface_endpoints_in_vpcs_without_dns() {
        let tf = r#"resource "aws_vpc" "main" {
  enable_dns_support = false
}
resource "aws_vpc_endpoint" "sqs" {
  vpc_id            = aws_vpc.main.id
  vpc_endpoint_type = "Interface"
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  vpc_endpoint_type = "Gateway"
}
resource "aws_vpc" "ok" {
  enable_dns_support = true
}
resource "aws_vpc_endpoint" "ok" {
  vpc_id            = aws_vpc.ok.id
  vpc_endpoint_type = "Interface"
}
module "vpc" {
  source             = "terraform-aws-modules/vpc/aws"
  enable_dns_support = false
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 21]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_endpoints() {
        let (bad, good) = cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &bad), [10]);
        assert_eq!(check_cfn_fixes(&RULE, &bad), 1);
        assert!(cfn_lines(&RULE, &good).is_empty());
    }
}
