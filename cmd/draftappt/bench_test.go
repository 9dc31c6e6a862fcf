package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/draftappt/draftappt/internal/fakeslack"
	"github.com/draftappt/draftappt/internal/slackbot"
)

// BenchmarkSlashCommandAck measures, end to end over Socket Mode, how long
// Slack waits for the ack of /draft-appt (the form opens right after).
// Slack allows 3 s; the figure is the p50 and p99 reported as metrics.
func BenchmarkSlashCommandAck(b *testing.B) {
	h := startBotWith(b, map[string]string{"LOG_LEVEL": "info"}, nil)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		ack, err := h.slack.SlashCommand(ctx, fakeslack.SlashCommand{Command: slackbot.Command, Text: "tomorrow 9am oil change",
			UserID: fmt.Sprintf("U0BENCH%d", i%50)})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, ack.Latency)
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	b.ReportMetric(float64(sorted[len(sorted)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(sorted[len(sorted)*99/100].Microseconds()), "p99-µs")
}
