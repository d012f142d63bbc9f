//! The AWS Shared Responsibility Model as onus uses it: the customer's rows (each finding names one) and
//! AWS's rows (shown in hover and the summary, never flagged), and the service models behind the hover.

use serde::Serialize;

/// A row of the model. The slugs are the contract of `onus rules --format json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Row {
    AccountCompromise,
    UserBehaviour,
    BusinessContinuity,
    ManagedServiceConfig,
    NetworkSecurity,
    Compliance,
    OsPatching,
    AccessRestriction,
    DataSharing,
    DatabasePatching,
    AwsVulnerabilities,
    AwsEnvironmental,
    AwsPhysical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    Customer,
    Aws,
}

impl Row {
    pub const CUSTOMER: [Row; 10] = [
        Row::AccountCompromise,
        Row::UserBehaviour,
        Row::BusinessContinuity,
        Row::ManagedServiceConfig,
        Row::NetworkSecurity,
        Row::Compliance,
        Row::OsPatching,
        Row::AccessRestriction,
        Row::DataSharing,
        Row::DatabasePatching,
    ];
    pub const AWS: [Row; 3] = [Row::AwsVulnerabilities, Row::AwsEnvironmental, Row::AwsPhysical];

    pub fn slug(self) -> &'static str {
        match self {
            Row::AccountCompromise => "account-compromise",
            Row::UserBehaviour => "user-behaviour",
            Row::BusinessContinuity => "business-continuity",
            Row::ManagedServiceConfig => "managed-service-config",
            Row::NetworkSecurity => "network-security",
            Row::Compliance => "compliance",
            Row::OsPatching => "os-patching",
            Row::AccessRestriction => "access-restriction",
            Row::DataSharing => "data-sharing",
            Row::DatabasePatching => "database-patching",
            Row::AwsVulnerabilities => "aws-vulnerabilities",
            Row::AwsEnvironmental => "aws-environmental",
            Row::AwsPhysical => "aws-physical",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Row> {
        Row::CUSTOMER.into_iter().chain(Row::AWS).find(|r| r.slug() == slug)
    }

    pub fn party(self) -> Party {
        if Row::AWS.contains(&self) {
            Party::Aws
        } else {
            Party::Customer
        }
    }

    /// The duty, in one line.
    pub fn duty(self) -> &'static str {
        match self {
            Row::AccountCompromise => "prevent or detect a compromised AWS account",
            Row::UserBehaviour => "prevent or detect privileged or regular users behaving insecurely",
            Row::BusinessContinuity => "business continuity: availability and incident response",
            Row::ManagedServiceConfig => "configure managed services securely",
            Row::NetworkSecurity => "network security of what you configure",
            Row::Compliance => "use that complies with internal and external policy",
            Row::OsPatching => "update guest operating systems, runtimes and platforms",
            Row::AccessRestriction => "access only for those who need it",
            Row::DataSharing => "keep sensitive data from being uploaded or shared inappropriately",
            Row::DatabasePatching => "database patching",
            Row::AwsVulnerabilities => "protect against zero-day exploits and other vulnerabilities in AWS itself",
            Row::AwsEnvironmental => "environmental security: power, natural disasters, facilities",
            Row::AwsPhysical => "physical access control to hardware and software",
        }
    }
}

/// How much of the stack AWS runs for a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceModel {
    /// EC2, EBS, VPC: the customer runs the guest OS and everything above.
    Infrastructure,
    /// RDS, ElastiCache, OpenSearch, EKS: AWS runs the OS and platform.
    Container,
    /// S3, DynamoDB, SQS, Lambda, KMS: AWS runs the platform; the customer owns data, policies and choices.
    Abstracted,
}

impl ServiceModel {
    pub fn name(self) -> &'static str {
        match self {
            ServiceModel::Infrastructure => "infrastructure service",
            ServiceModel::Container => "container service",
            ServiceModel::Abstracted => "abstracted service",
        }
    }

    /// What AWS takes care of under this model.
    pub fn aws_duties(self) -> &'static str {
        match self {
            ServiceModel::Infrastructure => {
                "facilities, hardware, the network fabric and the hypervisor. The guest operating system, its \
                 patches, its firewall and everything running on it are yours."
            }
            ServiceModel::Container => {
                "facilities, hardware, the hypervisor, the operating system and the platform software, and its \
                 patching where you allow it. Access, network exposure, encryption, backups and the upgrade \
                 policy are yours."
            }
            ServiceModel::Abstracted => {
                "facilities, hardware, the operating system and the service's own software, patched and \
                 operated by AWS. Your data, its resource policies, IAM and encryption choices are yours."
            }
        }
    }

    /// The service a resource type belongs to and its model, for a Terraform type (`aws_db_instance`) or a
    /// CloudFormation one (`AWS::RDS::DBInstance`); `None` for a type the tables do not hold (said so, never
    /// guessed: a wrong model tells the customer AWS patches what they must).
    pub fn of_type(ty: &str) -> Option<(&'static str, ServiceModel)> {
        if ty.starts_with("Alexa::ASK::") {
            return Some(("Alexa Skills Kit", Abstracted));
        }
        if let Some(rest) = ty.strip_prefix("AWS::") {
            let namespace = rest.split("::").next()?;
            return CLOUDFORMATION
                .iter()
                .find(|(ns, _, _)| *ns == namespace)
                .map(|&(_, service, model)| (service, model));
        }
        let rest = ty.strip_prefix("aws_")?;
        // The longest prefix that ends at a word of the type (`db` is `aws_db_instance`'s, not `aws_dbx`'s).
        TERRAFORM
            .iter()
            .filter(|(prefix, _, _)| rest == *prefix || rest.strip_prefix(prefix).is_some_and(|r| r.starts_with('_')))
            .max_by_key(|(prefix, _, _)| prefix.len())
            .map(|&(_, service, model)| (service, model))
    }
}

use ServiceModel::{Abstracted, Container, Infrastructure};

/// Terraform types by the words after `aws_`: the service, and how much of its stack AWS runs
/// (`../shared/responsibility.md`: infrastructure, container, abstracted).
const TERRAFORM: &[(&str, &str, ServiceModel)] = &[
    // Infrastructure: the guest OS, its patches and firewall are the customer's.
    ("instance", "EC2", Infrastructure),
    ("launch_template", "EC2", Infrastructure),
    ("launch_configuration", "EC2", Infrastructure),
    ("spot_instance_request", "EC2", Infrastructure),
    ("spot_fleet_request", "EC2", Infrastructure),
    ("ec2", "EC2", Infrastructure),
    ("ami", "EC2", Infrastructure),
    ("key_pair", "EC2", Infrastructure),
    ("eip", "EC2", Infrastructure),
    ("network_interface", "EC2", Infrastructure),
    ("security_group", "EC2", Infrastructure),
    ("default_security_group", "EC2", Infrastructure),
    ("vpc_security_group", "EC2", Infrastructure),
    ("ebs", "EBS", Infrastructure),
    ("volume_attachment", "EBS", Infrastructure),
    ("snapshot_create_volume_permission", "EBS", Infrastructure),
    ("vpc", "VPC", Infrastructure),
    ("default_vpc", "VPC", Infrastructure),
    ("subnet", "VPC", Infrastructure),
    ("default_subnet", "VPC", Infrastructure),
    ("route", "VPC", Infrastructure),
    ("route_table", "VPC", Infrastructure),
    ("default_route_table", "VPC", Infrastructure),
    ("internet_gateway", "VPC", Infrastructure),
    ("egress_only_internet_gateway", "VPC", Infrastructure),
    ("nat_gateway", "VPC", Infrastructure),
    ("network_acl", "VPC", Infrastructure),
    ("default_network_acl", "VPC", Infrastructure),
    ("flow_log", "VPC", Infrastructure),
    ("lb", "ELB", Infrastructure),
    ("alb", "ELB", Infrastructure),
    ("elb", "ELB", Infrastructure),
    ("load_balancer_policy", "ELB", Infrastructure),
    ("lb_listener", "ELB", Infrastructure),
    ("autoscaling", "Auto Scaling", Infrastructure),
    ("workspaces", "WorkSpaces", Infrastructure),
    // Container: AWS runs the OS and the platform; access, exposure, encryption, backups, upgrades are yours.
    ("db", "RDS", Container),
    ("rds", "RDS", Container),
    ("elasticache", "ElastiCache", Container),
    ("emr", "EMR", Container),
    ("opensearch", "OpenSearch", Container),
    ("elasticsearch", "OpenSearch", Container),
    ("redshift", "Redshift", Container),
    ("redshiftserverless", "Redshift", Container),
    ("eks", "EKS", Container),
    ("ecs", "ECS", Container),
    ("elastic_beanstalk", "Elastic Beanstalk", Container),
    ("docdb", "DocumentDB", Container),
    ("neptune", "Neptune", Container),
    ("mq", "Amazon MQ", Container),
    ("msk", "MSK", Container),
    ("memorydb", "MemoryDB", Container),
    ("dms", "DMS", Container),
    ("sagemaker", "SageMaker", Container),
    ("batch", "Batch", Container),
    ("gamelift", "GameLift", Container),
    ("directory_service", "Directory Service", Container),
    ("fsx", "FSx", Container),
    ("dax", "DynamoDB Accelerator", Container),
    // Abstracted: AWS runs the service; data, policies, IAM and encryption choices are yours.
    ("s3", "S3", Abstracted),
    ("dynamodb", "DynamoDB", Abstracted),
    ("sqs", "SQS", Abstracted),
    ("sns", "SNS", Abstracted),
    ("lambda", "Lambda", Abstracted),
    ("kms", "KMS", Abstracted),
    ("secretsmanager", "Secrets Manager", Abstracted),
    ("iam", "IAM", Abstracted),
    ("cloudtrail", "CloudTrail", Abstracted),
    ("cloudwatch", "CloudWatch", Abstracted),
    ("cloudfront", "CloudFront", Abstracted),
    ("api_gateway", "API Gateway", Abstracted),
    ("apigatewayv2", "API Gateway", Abstracted),
    ("appsync", "AppSync", Abstracted),
    ("athena", "Athena", Abstracted),
    ("glue", "Glue", Abstracted),
    ("kinesis", "Kinesis", Abstracted),
    ("cognito", "Cognito", Abstracted),
    ("config", "Config", Abstracted),
    ("guardduty", "GuardDuty", Abstracted),
    ("organizations", "Organizations", Abstracted),
    ("ssm", "Systems Manager", Abstracted),
    ("ssoadmin", "IAM Identity Center", Abstracted),
    ("identitystore", "IAM Identity Center", Abstracted),
    ("iot", "IoT Core", Abstracted),
    ("acm", "Certificate Manager", Abstracted),
    ("acmpca", "Private CA", Abstracted),
    ("waf", "WAF", Abstracted),
    ("wafv2", "WAF", Abstracted),
    ("wafregional", "WAF", Abstracted),
    ("route53", "Route 53", Abstracted),
    ("route53domains", "Route 53", Abstracted),
    ("sfn", "Step Functions", Abstracted),
    ("ses", "SES", Abstracted),
    ("sesv2", "SES", Abstracted),
    ("globalaccelerator", "Global Accelerator", Abstracted),
    ("shield", "Shield", Abstracted),
    ("backup", "Backup", Abstracted),
    ("qldb", "QLDB", Abstracted),
    ("keyspaces", "Keyspaces", Abstracted),
    ("timestreamwrite", "Timestream", Abstracted),
    ("simpledb", "SimpleDB", Abstracted),
    ("codebuild", "CodeBuild", Abstracted),
    ("ecr", "ECR", Abstracted),
    ("efs", "EFS", Abstracted),
    ("amplify", "Amplify", Abstracted),
    ("transfer", "Transfer Family", Abstracted),
    ("networkfirewall", "Network Firewall", Abstracted),
    ("cloudformation", "CloudFormation", Abstracted),
    ("securityhub", "Security Hub", Abstracted),
    ("fms", "Firewall Manager", Abstracted),
];

/// CloudFormation types by namespace (`AWS::<namespace>::...`).
const CLOUDFORMATION: &[(&str, &str, ServiceModel)] = &[
    ("EC2", "EC2", Infrastructure),
    ("AutoScaling", "Auto Scaling", Infrastructure),
    ("ElasticLoadBalancing", "ELB", Infrastructure),
    ("ElasticLoadBalancingV2", "ELB", Infrastructure),
    ("WorkSpaces", "WorkSpaces", Infrastructure),
    ("RDS", "RDS", Container),
    ("ElastiCache", "ElastiCache", Container),
    ("EMR", "EMR", Container),
    ("OpenSearchService", "OpenSearch", Container),
    ("Elasticsearch", "OpenSearch", Container),
    ("Redshift", "Redshift", Container),
    ("RedshiftServerless", "Redshift", Container),
    ("EKS", "EKS", Container),
    ("ECS", "ECS", Container),
    ("ElasticBeanstalk", "Elastic Beanstalk", Container),
    ("DocDB", "DocumentDB", Container),
    ("Neptune", "Neptune", Container),
    ("AmazonMQ", "Amazon MQ", Container),
    ("MSK", "MSK", Container),
    ("MemoryDB", "MemoryDB", Container),
    ("DMS", "DMS", Container),
    ("SageMaker", "SageMaker", Container),
    ("Batch", "Batch", Container),
    ("GameLift", "GameLift", Container),
    ("DirectoryService", "Directory Service", Container),
    ("FSx", "FSx", Container),
    ("DAX", "DynamoDB Accelerator", Container),
    ("S3", "S3", Abstracted),
    ("DynamoDB", "DynamoDB", Abstracted),
    ("SQS", "SQS", Abstracted),
    ("SNS", "SNS", Abstracted),
    ("Lambda", "Lambda", Abstracted),
    ("Serverless", "Lambda (SAM)", Abstracted),
    ("KMS", "KMS", Abstracted),
    ("SecretsManager", "Secrets Manager", Abstracted),
    ("IAM", "IAM", Abstracted),
    ("CloudTrail", "CloudTrail", Abstracted),
    ("Logs", "CloudWatch Logs", Abstracted),
    ("CloudWatch", "CloudWatch", Abstracted),
    ("Events", "EventBridge", Abstracted),
    ("CloudFront", "CloudFront", Abstracted),
    ("ApiGateway", "API Gateway", Abstracted),
    ("ApiGatewayV2", "API Gateway", Abstracted),
    ("AppSync", "AppSync", Abstracted),
    ("Athena", "Athena", Abstracted),
    ("Glue", "Glue", Abstracted),
    ("Kinesis", "Kinesis", Abstracted),
    ("KinesisFirehose", "Kinesis", Abstracted),
    ("Cognito", "Cognito", Abstracted),
    ("Config", "Config", Abstracted),
    ("GuardDuty", "GuardDuty", Abstracted),
    ("Organizations", "Organizations", Abstracted),
    ("SSM", "Systems Manager", Abstracted),
    ("SSO", "IAM Identity Center", Abstracted),
    ("IoT", "IoT Core", Abstracted),
    ("CertificateManager", "Certificate Manager", Abstracted),
    ("WAF", "WAF", Abstracted),
    ("WAFv2", "WAF", Abstracted),
    ("WAFRegional", "WAF", Abstracted),
    ("Route53", "Route 53", Abstracted),
    ("StepFunctions", "Step Functions", Abstracted),
    ("SES", "SES", Abstracted),
    ("GlobalAccelerator", "Global Accelerator", Abstracted),
    ("Shield", "Shield", Abstracted),
    ("Backup", "Backup", Abstracted),
    ("QLDB", "QLDB", Abstracted),
    ("Cassandra", "Keyspaces", Abstracted),
    ("Timestream", "Timestream", Abstracted),
    ("SDB", "SimpleDB", Abstracted),
    ("CodeBuild", "CodeBuild", Abstracted),
    ("CodeStar", "CodeStar", Abstracted),
    ("ECR", "ECR", Abstracted),
    ("EFS", "EFS", Abstracted),
    ("Amplify", "Amplify", Abstracted),
    ("Transfer", "Transfer Family", Abstracted),
    ("NetworkFirewall", "Network Firewall", Abstracted),
    ("CloudFormation", "CloudFormation", Abstracted),
    ("FMS", "Firewall Manager", Abstracted),
];
