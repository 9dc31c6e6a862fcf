package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/draftappt/draftappt/internal/appointment"
)

// BenchmarkBeginAdvance measures one submission's life on SQLite: Begin,
// then creating, created and announced (four writes).
func BenchmarkBeginAdvance(b *testing.B) {
	ctx := context.Background()
	l, err := Open(ctx, Config{DataDir: filepath.Join(b.TempDir(), "data")})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	r := sample("")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.Key = fmt.Sprintf("bench-%d", i)
		if _, created, err := l.Begin(ctx, r); err != nil || !created {
			b.Fatalf("begin: %v %v", created, err)
		}
		for _, to := range []appointment.Status{appointment.StatusCreating, appointment.StatusCreated, appointment.StatusAnnounced} {
			if _, ok, err := l.Advance(ctx, r.Key, to, appointment.Update{DraftUUID: "d", ParentTS: "1.2"}); err != nil || !ok {
				b.Fatalf("advance %s: %v %v", to, ok, err)
			}
		}
	}
}
