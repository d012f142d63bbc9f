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

    /// The model of an AWS service by onus's service name.
    pub fn of_service(service: &str) -> ServiceModel {
        match service {
            "EC2" | "EBS" | "VPC" | "ELB" | "AutoScaling" => ServiceModel::Infrastructure,
            "RDS" | "ElastiCache" | "EMR" | "OpenSearch" | "Redshift" | "EKS" | "ECS" | "ElasticBeanstalk"
            | "DocumentDB" | "Neptune" | "MQ" | "MSK" => ServiceModel::Container,
            _ => ServiceModel::Abstracted,
        }
    }
}
