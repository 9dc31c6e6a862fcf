// Package deploy holds no code of the bot: it is a separate Go module whose tests check the deployment
// files beside it (the Kubernetes manifests under kubernetes/, compose.yaml and draftappt.env.example).
// It must not import the bot's module; the bot's module must not import it.
package deploy
