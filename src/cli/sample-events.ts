/**
 * Sample events for `preview` when no events are given: 20 CloudTrail records of IAM calls and
 * console sign-ins, taken unchanged from the project's corpus (test/fixtures/cloudtrail-records.json;
 * test/cli/sample-events.test.ts checks they still equal it).
 *
 * Only Apache-2.0 material is bundled:
 * - DataDog/stratus-red-team: real attack detonation logs, anonymised by their authors (some
 *   regions and IP addresses are mangled on purpose, e.g. `ap-isob-central-3r`).
 * - panther-labs/panther-analysis: detection-rule test logs (hand-edited by their authors).
 *
 * (c) the respective authors of DataDog/stratus-red-team and panther-labs/panther-analysis,
 * Apache License 2.0 (see NOTICE).
 *
 * Each entry names its source file and revision. Records are kept as minified JSON text (parsed
 * on use), so that this module stays data and no code can change them by accident.
 */

/** One bundled CloudTrail record and where it comes from. */
export interface SampleRecord {
  /** The corpus id (`ct-NNN`). */
  readonly id: string;
  readonly sourceRepo: string;
  readonly sourcePath: string;
  /** Commit (or, for files only in the history, blob) of `sourcePath`. */
  readonly sourceRevision: string;
  readonly license: string;
  /** The CloudTrail record, as JSON text. */
  readonly recordJson: string;
}

export const SAMPLE_RECORDS: readonly SampleRecord[] = [
  {
    id: 'ct-005',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-create-admin-user.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"ap-isob-central-3r","eventCategory":"Management","eventID":"3346344c-5a3e-429e-8405-420f98f75d6e","eventName":"CreateUser","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:33:28Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"229654561268","requestID":"64ef9c47-6b64-4c0e-8c32-eb9ffaf8a658","requestParameters":{"tags":[{"key":"StratusRedTeam","value":"true"}],"userName":"malicious-iam-user"},"responseElements":{"user":{"arn":"arn:aws:iam::229654561268:user/malicious-iam-user","createDate":"Aug 1, 2024 1:33:28 PM","path":"/","tags":[{"key":"StratusRedTeam","value":"true"}],"userId":"AIDAL1XMLVWIUOK8KAF0","userName":"malicious-iam-user"}},"sourceIPAddress":"075.050.255.67","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_6bf00313-712c-4fd2-9bdd-88f48a4b1282","userIdentity":{"accessKeyId":"AKIAOZUDECYXYM4ONAN4","accountId":"229654561268","arn":"arn:aws:iam::229654561268:user/christophe","principalId":"AIDAZ49AHUAJ9OEK73O5","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-003',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-create-admin-user.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"ap-isob-central-3r","eventCategory":"Management","eventID":"083dc4ad-e264-46bc-a407-d0dd31b58bdc","eventName":"AttachUserPolicy","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:33:28Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"229654561268","requestID":"710f2703-6e8a-46d5-9924-b12a3a681755","requestParameters":{"policyArn":"arn:aws:iam::aws:policy/AdministratorAccess","userName":"malicious-iam-user"},"responseElements":null,"sourceIPAddress":"075.050.255.67","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_6bf00313-712c-4fd2-9bdd-88f48a4b1282","userIdentity":{"accessKeyId":"AKIAOZUDECYXYM4ONAN4","accountId":"229654561268","arn":"arn:aws:iam::229654561268:user/christophe","principalId":"AIDAZ49AHUAJ9OEK73O5","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-004',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-create-admin-user.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"ap-isob-central-3r","eventCategory":"Management","eventID":"94faedcc-0fa4-46e6-9322-022e8e934f04","eventName":"CreateAccessKey","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:33:28Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"229654561268","requestID":"0ee5fc85-66bb-4602-a69e-9a5a2a3add30","requestParameters":{"userName":"malicious-iam-user"},"responseElements":{"accessKey":{"accessKeyId":"AKIAXAFZN8JEPF6L682H","createDate":"Aug 1, 2024 1:33:28 PM","status":"Active","userName":"malicious-iam-user"}},"sourceIPAddress":"075.050.255.67","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_6bf00313-712c-4fd2-9bdd-88f48a4b1282","userIdentity":{"accessKeyId":"AKIAOZUDECYXYM4ONAN4","accountId":"229654561268","arn":"arn:aws:iam::229654561268:user/christophe","principalId":"AIDAZ49AHUAJ9OEK73O5","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-001',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-backdoor-role.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"ca-isob-northsouth-1r","eventCategory":"Management","eventID":"62e290e2-ee95-4a7c-a9f8-db4ef462b12d","eventName":"UpdateAssumeRolePolicy","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:29:57Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"751203476945","requestID":"295ee6e3-1da9-416f-885d-ad65d876ef82","requestParameters":{"policyDocument":"{\\n  \\"Version\\": \\"2012-10-17\\",\\n  \\"Statement\\": [\\n    {\\n      \\"Effect\\": \\"Allow\\",\\n      \\"Principal\\": {\\n        \\"Service\\": \\"ec2.amazonaws.com\\"\\n      },\\n      \\"Action\\": \\"sts:AssumeRole\\"\\n    },\\n    {\\n      \\"Effect\\": \\"Allow\\",\\n      \\"Principal\\": {\\n        \\"AWS\\": \\"arn:aws:iam::193672423079:root\\"\\n      },\\n      \\"Action\\": \\"sts:AssumeRole\\"\\n    }\\n  ]\\n}","roleName":"stratus-red-team-backdoor-r-role"},"responseElements":null,"sourceIPAddress":"225.178.039.250","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_180e078f-4ad3-40c5-9ec3-efff37e17b25","userIdentity":{"accessKeyId":"AKIAMUV7B57OZM0RV05D","accountId":"751203476945","arn":"arn:aws:iam::751203476945:user/christophe","principalId":"AIDA7SLGLLJ9LWK18E4Y","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-007',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-create-backdoor-role.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"sagov-west-2r","eventCategory":"Management","eventID":"d2905ac3-9898-433f-b10d-9302abe4e208","eventName":"CreateRole","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:37:41Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"609418236337","requestID":"105d4d57-6f6d-43ce-b6a4-5b67c68b4ab5","requestParameters":{"assumeRolePolicyDocument":"{\\n  \\"Version\\": \\"2012-10-17\\",\\n  \\"Statement\\": [\\n    {\\n      \\"Effect\\": \\"Allow\\",\\n      \\"Principal\\": {\\n        \\"AWS\\": \\"arn:aws:iam::193672423079:root\\"\\n      },\\n      \\"Action\\": \\"sts:AssumeRole\\"\\n    }\\n  ]\\n}","permissionsBoundary":"arn:aws:iam::aws:policy/AWSDenyAll","roleName":"stratus-red-team-malicious-iam-role"},"responseElements":{"role":{"arn":"arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role","assumeRolePolicyDocument":"%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%22Statement%22%3A%20%5B%0A%20%20%20%20%7B%0A%20%20%20%20%20%20%22Effect%22%3A%20%22Allow%22%2C%0A%20%20%20%20%20%20%22Principal%22%3A%20%7B%0A%20%20%20%20%20%20%20%20%22AWS%22%3A%20%22arn%3Aaws%3Aiam%3A%3A193672423079%3Aroot%22%0A%20%20%20%20%20%20%7D%2C%0A%20%20%20%20%20%20%22Action%22%3A%20%22sts%3AAssumeRole%22%0A%20%20%20%20%7D%0A%20%20%5D%0A%7D","createDate":"Aug 1, 2024 1:37:41 PM","path":"/","permissionsBoundary":{"permissionsBoundaryArn":"arn:aws:iam::aws:policy/AWSDenyAll","permissionsBoundaryType":"Policy"},"roleId":"AROA53G8Z8NGXMJ597G3E","roleName":"stratus-red-team-malicious-iam-role"}},"sourceIPAddress":"209.209.254.254","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_e2808a95-acc5-4508-b083-d31d6f4315d9","userIdentity":{"accessKeyId":"AKIA0W5KI69TY8X86BGT","accountId":"609418236337","arn":"arn:aws:iam::609418236337:user/christophe","principalId":"AIDAK4TRC24VBN0JX8JX","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-006',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-create-backdoor-role.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"sagov-west-2r","eventCategory":"Management","eventID":"39480357-0a1d-4531-a3f2-71be4c041c25","eventName":"AttachRolePolicy","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:37:41Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"609418236337","requestID":"09b3fc1c-c0c0-4e86-9bad-e0928a089e0d","requestParameters":{"policyArn":"arn:aws:iam::aws:policy/AdministratorAccess","roleName":"stratus-red-team-malicious-iam-role"},"responseElements":null,"sourceIPAddress":"209.209.254.254","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_e2808a95-acc5-4508-b083-d31d6f4315d9","userIdentity":{"accessKeyId":"AKIA0W5KI69TY8X86BGT","accountId":"609418236337","arn":"arn:aws:iam::609418236337:user/christophe","principalId":"AIDAK4TRC24VBN0JX8JX","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-009',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-create-user-login-profile.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"ap-central-2r","eventCategory":"Management","eventID":"d3906a7d-604b-407f-acb6-fc425742821e","eventName":"CreateLoginProfile","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:42:21Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"070411556318","requestID":"cb603f7a-02cc-4123-9855-658655364408","requestParameters":{"passwordResetRequired":false,"userName":"stratus-red-team-login-profile-user"},"responseElements":{"loginProfile":{"createDate":"Aug 1, 2024 1:42:21 PM","passwordResetRequired":false,"userName":"stratus-red-team-login-profile-user"}},"sourceIPAddress":"253.234.5.234","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_99dfa7e5-00d3-40b7-8cfd-b2573ada0eac","userIdentity":{"accessKeyId":"AKIAE18PGYHCY2CYMTFK","accountId":"070411556318","arn":"arn:aws:iam::070411556318:user/christophe","principalId":"AIDAWVCXQ27A1H7FID62","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-008',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.persistence.iam-create-user-login-profile.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"ap-central-2r","errorCode":"EntityTemporarilyUnmodifiableException","errorMessage":"Login Profile for User stratus-red-team-login-profile-user cannot be modified while login profile is being created.","eventCategory":"Management","eventID":"64fb98c9-cb40-4f9a-b800-6c15e82e9be6","eventName":"DeleteLoginProfile","eventSource":"iam.amazonaws.com","eventTime":"2024-08-01T13:42:22Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"070411556318","requestID":"a0953f02-9f5f-408a-8188-427026ef914b","requestParameters":{"userName":"stratus-red-team-login-profile-user"},"responseElements":null,"sourceIPAddress":"253.234.5.234","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_99dfa7e5-00d3-40b7-8cfd-b2573ada0eac","userIdentity":{"accessKeyId":"AKIAE18PGYHCY2CYMTFK","accountId":"070411556318","arn":"arn:aws:iam::070411556318:user/christophe","principalId":"AIDAWVCXQ27A1H7FID62","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-010',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.privilege-escalation.iam-update-user-login-profile.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"megov-southcentral-3r","eventCategory":"Management","eventID":"a46a1a42-9ef1-48d4-9c61-507eb6d4019f","eventName":"UpdateLoginProfile","eventSource":"iam.amazonaws.com","eventTime":"2024-08-28T09:54:40Z","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"763751499319","requestID":"bd8967e5-b80d-48cd-b8b5-45c9905a4a7f","requestParameters":{"userName":"stratus-red-team-update-login-profile-user"},"responseElements":null,"sourceIPAddress":"212.3.253.233","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_33d1bcd6-0716-4e7f-a145-8a75625cf180","userIdentity":{"accessKeyId":"AKIAV1MIS7NGMDMR83FC","accountId":"763751499319","arn":"arn:aws:iam::763751499319:user/christophe","principalId":"AIDAXYBG3LDVX65FGD9O","type":"IAMUser","userName":"christophe"}}',
  },
  {
    id: 'ct-000',
    sourceRepo: 'DataDog/stratus-red-team',
    sourcePath: 'docs/detonation-logs/aws.initial-access.console-login-without-mfa.json',
    sourceRevision: '7c9a7a5a63dc370260a6528dd0d30476854806c1',
    license: 'Apache-2.0',
    recordJson: '{"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MFAUsed":"No","MobileVersion":"No"},"awsRegion":"eu-west-2r","eventCategory":"Management","eventID":"865d9377-9c6b-4fd7-8aad-725e95f6a140","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"2024-08-02T08:53:24Z","eventType":"AwsConsoleSignIn","eventVersion":"1.08","managementEvent":true,"readOnly":false,"recipientAccountId":"562283505220","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"sourceIPAddress":"225.01.00.16","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"signin.aws.amazon.com","tlsVersion":"TLSv1.3"},"userAgent":"stratus-red-team_fccf7123-0651-41f5-b06c-460da5ee1c94","userIdentity":{"accountId":"562283505220","arn":"arn:aws:iam::562283505220:user/stratus-red-team-nmfalu-jfzdtsvchl","principalId":"AIDA1ERT0661IN5R239V","type":"IAMUser","userName":"stratus-red-team-nmfalu-jfzdtsvchl"}}',
  },
  {
    id: 'ct-161',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/demo_rules/production_security/aws_console_login_demo.yml',
    sourceRevision: '751473810537178ff55d573e6e2903bf2e06b363',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"us-east-1","eventCategory":"Management","eventID":"87654321-4321-4321-4321-210987654321","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"2025-08-13 14:35:00","eventType":"AwsConsoleSignIn","eventVersion":"1.08","errorCode":"SigninFailure","errorMessage":"Failed authentication","recipientAccountId":"123456789012","requestID":"11223344-5566-7788-9900-aabbccddeeff","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"serviceEventDetails":{"consoleLogin":{"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No"},"responseElements":{"ConsoleLogin":"Failure"}}},"sourceIPAddress":"198.51.100.123","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::123456789012:user/jane.smith","accountId":"123456789012","userName":"jane.smith"}}',
  },
  {
    id: 'ct-245',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'test_scenarios/threat_hunting_cloudtrail.yaml',
    sourceRevision: '9e4d2085db1802ab91ff207c79d15fb13723a26e',
    license: 'Apache-2.0',
    recordJson: '{"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/","MFAUsed":"Yes","MobileVersion":"No"},"awsRegion":"us-east-1","eventID":"1","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"2020-10-27T06:00:00Z","eventType":"AwsConsoleSignIn","eventVersion":"1.05","recipientAccountId":"493859302102","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"sourceIPAddress":"71.253.251.71","userAgent":"Mozilla","userIdentity":{"accountId":"493859302102","arn":"arn:aws:iam::493859302102:root","principalId":"493859302102","type":"Root","userName":"root"}}',
  },
  {
    id: 'ct-244',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'test_scenarios/compromised-root-creds/threat_hunting_cloudtrail.yaml',
    sourceRevision: 'd51fa7517220d62517413376b37343e4b97d30ff',
    license: 'Apache-2.0',
    recordJson: '{"additionalEventData":null,"awsRegion":"us-east-1","eventID":"1","eventName":"CreateAccessKey","eventSource":"iam.amazonaws.com","eventTime":"2020-11-01T08:30:19Z","eventType":"AwsApiCall","eventVersion":"1.05","recipientAccountId":"493859302102","requestParameters":null,"responseElements":{"accessKey":{"accessKeyId":"AKIA5ZZZK44445XXFFVB","createDate":"Nov 1, 2020 8:30:20 AM","status":"Active","userName":"Root"}},"sourceIPAddress":"92.55.146.245","userAgent":"console.amazonaws.com","userIdentity":{"accountId":"493859302102","arn":"arn:aws:iam::493859302102:root","principalId":"493859302102","type":"Root","userName":"root"}}',
  },
  {
    id: 'ct-070',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/aws_cloudtrail_rules/aws_iam_group_read_only_events.yml',
    sourceRevision: 'daa10c888566839e9918dfba1cd652743781e5fe',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"us-east-1","eventCategory":"Management","eventID":"883efb94-aa58-4512-beb7-10a5fffa33e4","eventName":"GetGroup","eventSource":"iam.amazonaws.com","eventTime":"2022-12-11 19:42:55","eventType":"AwsApiCall","eventVersion":"1.08","managementEvent":true,"readOnly":true,"recipientAccountId":"1231231234","requestID":"f92dd1a7-ad07-4fef-9511-1081d2dd3585","requestParameters":{"maxItems":1000,"userName":"user-name"},"sourceIPAddress":"cloudformation.amazonaws.com","userAgent":"cloudformation.amazonaws.com","userIdentity":{"accessKeyId":"ASIAVKVYIOO7BDL4T5NG","accountId":"1231231234","arn":"arn:aws:sts::1231231234:assumed-role/AssumedRole-us-east-2/123123123456","invokedBy":"cloudformation.amazonaws.com","principalId":"AROAVKVYIOO7JN7TN7NSA:123123123456","sessionContext":{"attributes":{"creationDate":"2022-12-11T19:42:54Z","mfaAuthenticated":"false"},"sessionIssuer":{"accountId":"1231231234","arn":"arn:aws:iam::1231231234:role/PAssumedRole-us-east-2","principalId":"AROAVKVYIOO7JN7TN7NSA","type":"Role","userName":"AssumedRole-us-east-2"},"webIdFederationData":{}},"type":"AssumedRole"}}',
  },
  {
    id: 'ct-083',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/aws_cloudtrail_rules/aws_iam_user_recon_denied.yml',
    sourceRevision: 'daa10c888566839e9918dfba1cd652743781e5fe',
    license: 'Apache-2.0',
    recordJson: '{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"1111","arn":"arn:aws:iam::123456789012:user/tester","accountId":"123456789012","accessKeyId":"1","userName":"tester","sessionContext":{"attributes":{"mfaAuthenticated":"true","creationDate":"2019-01-01T00:00:00Z"}},"invokedBy":"signin.amazonaws.com"},"eventTime":"2019-01-01T00:00:00Z","eventSource":"iam.amazonaws.com","eventName":"GetRole","awsRegion":"us-east-1","sourceIPAddress":"40.185.186.6","errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::123456789012:user/tester is not authorized to perform: iam:GetRole on resource: arn:aws:iam::123456789012:role/FooBar","userAgent":"aws-sdk-go/1.32.7 (go1.14.6; linux; amd64) exec-env/AWS_Lambda_go1.x","requestParameters":null,"responseElements":null,"requestID":"1","eventID":"1","eventType":"AwsApiCall","recipientAccountId":"123456789012"}',
  },
  {
    id: 'ct-085',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/aws_cloudtrail_rules/aws_iam_user_recon_denied.yml',
    sourceRevision: 'daa10c888566839e9918dfba1cd652743781e5fe',
    license: 'Apache-2.0',
    recordJson: '{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"1111","arn":"arn:aws:iam::123456789012:user/tester","accountId":"123456789012","accessKeyId":"1","userName":"tester","sessionContext":{"attributes":{"mfaAuthenticated":"true","creationDate":"2019-01-01T00:00:00Z"}},"invokedBy":"signin.amazonaws.com"},"eventTime":"2019-01-01T00:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateServiceLinkedRole","awsRegion":"us-east-1","sourceIPAddress":"111.111.111.111","userAgent":"signin.amazonaws.com","requestParameters":null,"responseElements":null,"requestID":"1","eventID":"1","eventType":"AwsApiCall","recipientAccountId":"123456789012"}',
  },
  {
    id: 'ct-167',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/demo_rules/production_security/aws_iam_attach_admin_user_policy_demo.yml',
    sourceRevision: 'c130f7be81215e92531d6727b897912e1e7e8477',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"us-east-1","eventCategory":"Management","eventID":"0d339bf1-37e8-492c-8ebb-67b7a0ecd0af","eventName":"AttachUserPolicy","eventSource":"iam.amazonaws.com","eventTime":"2025-04-28 22:57:36.000000000","eventType":"AwsApiCall","eventVersion":"1.10","managementEvent":true,"readOnly":false,"recipientAccountId":"904233115233","requestID":"96f014bc-4cce-40b5-b2af-905e3a7decb2","requestParameters":{"policyArn":"arn:aws:iam::aws:policy/AmazonS3FullAccess","userName":"data-pipeline-svc"},"sourceIPAddress":"199.115.242.184","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"aws-cli/2.27.0 md/awscrt#0.25.4 ua/2.1 os/macos#24.4.0 md/arch#arm64 lang/python#3.13.3 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#iam.attach-user-policy","userIdentity":{"accessKeyId":"ASIA5FCD6LZQRPTGM7TD","accountId":"904233115233","arn":"arn:aws:sts::904233115233:assumed-role/AWSReservedSSO_DevAdmin_bdb4a195f9d8fb11/jack","principalId":"AROA5FCD6LZQRCJCL2SCB:jack","sessionContext":{"attributes":{"creationDate":"2025-04-28T22:46:19Z","mfaAuthenticated":"false"},"sessionIssuer":{"accountId":"904233115233","arn":"arn:aws:iam::904233115233:role/aws-reserved/sso.amazonaws.com/us-west-2/AWSReservedSSO_DevAdmin_bdb4a195f9d8fb11","principalId":"AROA5FCD6LZQRCJCL2SCB","type":"Role","userName":"AWSReservedSSO_DevAdmin_bdb4a195f9d8fb11"}},"type":"AssumedRole"}}',
  },
  {
    id: 'ct-232',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/aws_cloudtrail_rules/aws_update_credentials.yml',
    sourceRevision: '43d846cf06c9b496f646f8913de67aa3e1e46a3f',
    license: 'Apache-2.0',
    recordJson: '{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"AAAAIIIIIIU74NPJW5K76","arn":"arn:aws:iam::123456789012:user/test_user","accountId":"123456789012","accessKeyId":"AAAAIIIIIIU74NPJW5K76","userName":"test_user","sessionContext":{"attributes":{"mfaAuthenticated":"true","creationDate":"2019-12-31T01:50:17Z"}},"invokedBy":"signin.amazonaws.com"},"eventTime":"2019-12-31T01:50:46Z","eventSource":"iam.amazonaws.com","eventName":"ChangePassword","awsRegion":"us-east-1","sourceIPAddress":"64.25.27.224","userAgent":"signin.amazonaws.com","requestParameters":null,"responseElements":null,"requestID":"a431f05e-67e1-11ea-bc55-0242ac130003","eventID":"a431f05e-67e1-11ea-bc55-0242ac130003","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012","p_log_type":"AWS.CloudTrail"}',
  },
  {
    id: 'ct-233',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/aws_cloudtrail_rules/aws_update_credentials.yml',
    sourceRevision: '43d846cf06c9b496f646f8913de67aa3e1e46a3f',
    license: 'Apache-2.0',
    recordJson: '{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"AAAAIIIIIIU74NPJW5K76","arn":"arn:aws:iam::123456789012:user/test_user","accountId":"123456789012","accessKeyId":"AAAAIIIIIIU74NPJW5K76","userName":"test_user","sessionContext":{"attributes":{"mfaAuthenticated":"true","creationDate":"2019-12-31T01:50:17Z"}},"invokedBy":"signin.amazonaws.com"},"eventTime":"2019-12-31T01:50:46Z","eventSource":"iam.amazonaws.com","eventName":"CreateVirtualMFADevice","awsRegion":"us-east-1","sourceIPAddress":"64.25.27.224","userAgent":"signin.amazonaws.com","requestParameters":null,"responseElements":null,"requestID":"a431f05e-67e1-11ea-bc55-0242ac130003","eventID":"a431f05e-67e1-11ea-bc55-0242ac130003","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012","p_log_type":"AWS.CloudTrail"}',
  },
  {
    id: 'ct-179',
    sourceRepo: 'panther-labs/panther-analysis',
    sourcePath: 'rules/alchemy_custom_rules/gen00001_credaccess_cloudtrail_idp_prod.yml',
    sourceRevision: '84827d4bfe83714c0b3379f9dd542a7ea7ea7c6d',
    license: 'Apache-2.0',
    recordJson: '{"awsRegion":"us-east-1","eventCategory":"Management","eventID":"b65a1065-eeb5-4902-8580-20eac98cdc1e","eventName":"CreateOpenIDConnectProvider","eventSource":"iam.amazonaws.com","eventTime":"2025-06-24 23:34:46","eventType":"AwsApiCall","eventVersion":"1.11","managementEvent":true,"readOnly":false,"recipientAccountId":"905418441132","requestID":"00ff5947-be66-4842-9dc7-1ef4b4baea40","requestParameters":{"openIDConnectProviderArn":"arn:aws:iam::905418441132:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/66CE9BD86C1F904421E6C0BB2C6DA94C"},"sourceIPAddress":"44.241.59.217","userAgent":"APN/1.0 Pulumi/1.0 Pulumi/1.0 Pulumi-Aws/0.11+compatible (+https://pulumi.com) aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.23.8 md/GOOS#linux md/GOARCH#amd64 api/iam#1.41.0 m/g","userIdentity":{"accessKeyId":"ASIA5FTZFAGWES2VRZM4","accountId":"905418441132","arn":"arn:aws:sts::905418441132:assumed-role/pulumi/pulumi","principalId":"AROA5FTZFAGWEEHWRJXS5:pulumi","sessionContext":{"attributes":{"creationDate":"2025-06-24T23:19:21Z","mfaAuthenticated":"false"},"sessionIssuer":{"accountId":"905418441132","arn":"arn:aws:iam::905418441132:role/pulumi","principalId":"AROA5FTZFAGWEEHWRJXS5","type":"Role","userName":"pulumi"},"webIdFederationData":{"attributes":{},"federatedProvider":"arn:aws:iam::905418441132:oidc-provider/api.pulumi.com/oidc"}},"type":"AssumedRole"}}',
  },
];
