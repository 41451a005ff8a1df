#!/usr/bin/env python3
"""Single account: email the security team within seconds of any IAM change in this account.

The Python twin of app.ts. IAM is a global service whose events reach EventBridge only in
us-east-1, so the stack is pinned there (IamChangeAlerting refuses any other region at synthesis).
Deploy with `npx cdk deploy --app "python3 app.py"`; each address then gets an email from SNS
asking it to confirm the subscription.
"""
import aws_cdk as cdk

from cdk_iam_change_alerts import IamChangeAlerting

app = cdk.App()
stack = cdk.Stack(app, "IamChangeAlerts", env=cdk.Environment(region="us-east-1"))

# The defaults: a hardened CloudTrail trail, an EventBridge rule for IAM changes (names starting
# Add, Attach, Create, Delete, Put, Update, ...), an SNS topic encrypted with its own key, a
# dead-letter queue and alarms on failed deliveries; and the pipeline watches itself: a heartbeat
# (a harmless IAM call every 15 minutes, alarmed when it stops arriving) and tamper alerts on its
# trail, rules, topics and keys, sent to a second topic (the health topic) with the same subscribers.
IamChangeAlerting(
    stack,
    "IamAlerts",
    emails=["security@example.com"],
)

app.synth()
