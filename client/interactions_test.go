package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestListInteractionsFollowsPages(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		q := r.URL.Query()
		if q.Get("start") != "2025-03-01T10:00:00Z" || q.Get("end") != "2025-03-01T12:30:00.5Z" {
			t.Errorf("start/end %q %q", q.Get("start"), q.Get("end"))
		}
		page, _ := strconv.Atoi(q.Get("page"))
		content := []Interaction{{ID: fmt.Sprintf("i-%d-a", page)}, {ID: fmt.Sprintf("i-%d-b", page)}}
		if page == 1 {
			content = append(content, Interaction{ID: "i-0-b"}) // shifted page: a repeat
		}
		ctWriteJSON(w, 200, InteractionPage{Content: content, TotalElements: 6, TotalPages: 3, Number: page, Size: 2})
	}))
	loc := time.FixedZone("X", 3600)
	start := time.Date(2025, 3, 1, 11, 0, 0, 0, loc)
	end := time.Date(2025, 3, 1, 13, 30, 0, 5e8, loc)
	list, err := c.ListInteractions(context.Background(), start, end)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, in := range list {
		ids = append(ids, in.ID)
	}
	if fmt.Sprint(ids) != "[i-0-a i-0-b i-1-a i-1-b i-2-a i-2-b]" {
		t.Errorf("ids %v", ids)
	}
	if len(queries) != 3 || queries[0] != "end=2025-03-01T12%3A30%3A00.5Z&start=2025-03-01T10%3A00%3A00Z" ||
		queries[2] != "end=2025-03-01T12%3A30%3A00.5Z&page=2&start=2025-03-01T10%3A00%3A00Z" {
		t.Errorf("queries %q", queries)
	}
}

func TestListInteractionsEndless(t *testing.T) {
	var n int
	c, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		ctWriteJSON(w, 200, InteractionPage{Content: []Interaction{{ID: "same"}}, TotalPages: 1 << 30})
	}))
	_, err := c.ListInteractions(context.Background(), time.Now().Add(-time.Hour), time.Now())
	if err == nil || n != maxInteractionPages {
		t.Errorf("%d pages, err %v", n, err)
	}
	c2, _ := ctNewClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctWriteJSON(w, 200, InteractionPage{TotalPages: 0})
	}))
	list, err := c2.ListInteractions(context.Background(), time.Now().Add(-time.Hour), time.Now())
	if err != nil || list == nil || len(list) != 0 {
		t.Errorf("empty: %v, %v", list, err)
	}
}
