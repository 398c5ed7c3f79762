package imaging

import (
	"bytes"
	"context"
	"image/jpeg"
	"sync"
	"testing"

	"github.com/snapdash/snapdash/bench/testpic"
)

var bigJPEG = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, testpic.Photo(4000, 3000), &jpeg.Options{Quality: 90})
	return buf.Bytes()
})

func BenchmarkDecode12MP(b *testing.B) {
	data := bigJPEG()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Decode(context.Background(), data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
