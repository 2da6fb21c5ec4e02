// Package slackbot tells the company about the voices that matter through Slack: an outbox
// posted exactly once, Block Kit messages, and buttons, shortcuts and slash commands to triage
// from Slack. *slack.Client never leaves this package.
package slackbot
