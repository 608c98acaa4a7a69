package hub

import (
	"time"
)

func init() { RegisterCore("go", func() (Loop, error) { return newGoLoop(), nil }) }

var _ Loop = (*goLoop)(nil)

// goLoop is the pure-Go core: a 4-ary min-heap of timer deadlines and a
// one-slot channel for wake-ups. When nothing is ready, Run blocks the hub's
// locked goroutine on a time.Timer and the wake channel; the thread idles.
//
// A 4-ary heap is shallower than a binary one (log4 n levels) and its four
// children share a cache line, which is what keeps Arm/Cancel flat up to a
// million parked greenlets.
type goLoop struct {
	base  time.Time // zero of the clock; carries the monotonic reading
	now   int64     // cached clock, ns since base
	heap  []timerEntry
	pos   []int32 // id -> index in heap, or -1 when not armed
	wake  chan struct{}
	timer *time.Timer // reused for blocking waits; stopped between waits
}

type timerEntry struct {
	deadline int64
	id       uint64
}

func newGoLoop() *goLoop {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &goLoop{base: time.Now(), wake: make(chan struct{}, 1), timer: t}
}

func (l *goLoop) Now() int64 { return l.now }

func (l *goLoop) UpdateNow() { l.now = int64(time.Since(l.base)) }

func (l *goLoop) Arm(id uint64, deadline int64) {
	for uint64(len(l.pos)) <= id {
		l.pos = append(l.pos, -1)
	}
	if i := l.pos[id]; i >= 0 {
		old := l.heap[i].deadline
		l.heap[i].deadline = deadline
		if deadline < old {
			l.up(int(i))
		} else {
			l.down(int(i))
		}
		return
	}
	l.heap = append(l.heap, timerEntry{deadline, id})
	i := len(l.heap) - 1
	l.pos[id] = int32(i)
	l.up(i)
}

func (l *goLoop) Cancel(id uint64) {
	if id >= uint64(len(l.pos)) || l.pos[id] < 0 {
		return
	}
	l.removeAt(int(l.pos[id]))
}

func (l *goLoop) removeAt(i int) {
	id := l.heap[i].id
	last := len(l.heap) - 1
	if i != last {
		l.heap[i] = l.heap[last]
		l.pos[l.heap[i].id] = int32(i)
	}
	l.heap = l.heap[:last]
	l.pos[id] = -1
	if i < last {
		l.down(i)
		l.up(i)
	}
}

func (l *goLoop) up(i int) {
	e := l.heap[i]
	for i > 0 {
		p := (i - 1) / 4
		if l.heap[p].deadline <= e.deadline {
			break
		}
		l.heap[i] = l.heap[p]
		l.pos[l.heap[i].id] = int32(i)
		i = p
	}
	l.heap[i] = e
	l.pos[e.id] = int32(i)
}

func (l *goLoop) down(i int) {
	e := l.heap[i]
	n := len(l.heap)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < n; k++ {
			if l.heap[k].deadline < l.heap[m].deadline {
				m = k
			}
		}
		if l.heap[m].deadline >= e.deadline {
			break
		}
		l.heap[i] = l.heap[m]
		l.pos[l.heap[i].id] = int32(i)
		i = m
	}
	l.heap[i] = e
	l.pos[e.id] = int32(i)
}

func (l *goLoop) Run(block bool, fired []uint64) ([]uint64, error) {
	if block {
		l.UpdateNow()
		if len(l.heap) == 0 {
			<-l.wake
		} else if d := l.heap[0].deadline - l.now; d > 0 {
			l.timer.Reset(time.Duration(d))
			select {
			case <-l.wake:
			case <-l.timer.C:
			}
			l.timer.Stop()
		}
	} else {
		// A pending wake-up is consumed here: the hub looks at its post
		// queue after every Run anyway.
		select {
		case <-l.wake:
		default:
		}
	}
	l.UpdateNow()
	for len(l.heap) > 0 && l.heap[0].deadline <= l.now {
		fired = append(fired, l.heap[0].id)
		l.removeAt(0)
	}
	return fired, nil
}

func (l *goLoop) Wake() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Reinit has nothing to re-create: the Go runtime owns the timer and the
// channel, and a forked Go process is re-executed, never continued.
func (l *goLoop) Reinit() error { return nil }

func (l *goLoop) Close() error {
	l.timer.Stop()
	l.heap, l.pos = nil, nil
	return nil
}

// armed reports how many timers are armed; tests use it for the census.
func (l *goLoop) armed() int { return len(l.heap) }
