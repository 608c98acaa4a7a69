module github.com/gevent-go/gevent

go 1.26
