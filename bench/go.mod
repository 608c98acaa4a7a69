module github.com/gevent-go/gevent/bench

go 1.26

require github.com/gevent-go/gevent v0.0.0

replace github.com/gevent-go/gevent => ../
