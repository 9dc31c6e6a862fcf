package deps
import (
 _ "github.com/slack-go/slack"
 _ "github.com/slack-go/slack/socketmode"
 _ "github.com/olebedev/when"
 _ "github.com/kelseyhightower/envconfig"
 _ "github.com/stretchr/testify/assert"
 _ "github.com/gorilla/websocket"
 _ "github.com/prometheus/client_golang/prometheus"
 _ "github.com/santhosh-tekuri/jsonschema/v6"
 _ "go.yaml.in/yaml/v3"
)
