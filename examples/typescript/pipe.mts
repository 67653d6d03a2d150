// Pipe: two connected ends, one per process. A child sends a list through its end.
import { Pipe, Process, isMainProcess, type Connection } from 'concurrency-lab';

export function send(pipe: Connection): void {
  pipe.send(['spam', 42, 'egg']); // send a list
  pipe.close();
}

if (isMainProcess()) {
  const [con1, con2] = Pipe(); // two Connection objects, duplex by default
  // Pass a Connection made beforehand; a Pipe() created inside args would have no other end here.
  const sender = new Process({ target: send, args: [con1] });
  sender.start();
  console.log('con2 got:', await con2.recv()); // the other end, con2, receives what send() sent
  con2.close();
  await sender.join();
}
