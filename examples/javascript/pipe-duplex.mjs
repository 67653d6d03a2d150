// Pipe in both directions: the child sends a dict, the parent replies with a set.
import { Pipe, Process, isMainProcess } from 'concurrency-lab';

export async function talk(pipe) {
  pipe.send({ name: 'Bob', spam: 42 }); // send a dict (a plain object)
  const reply = await pipe.recv(); // receive the parent's reply
  console.log('talker got:', reply);
}

if (isMainProcess()) {
  const [parentEnd, childEnd] = Pipe(); // duplex: both ends can send and receive
  const child = new Process({ target: talk, args: [childEnd] });
  child.start();
  console.log('parent got:', await parentEnd.recv());
  // Python's {x * 2 for x in 'spam'}: a Set arrives as a Set (structured clone).
  parentEnd.send(new Set([...'spam'].map((x) => x.repeat(2))));
  await child.join();
  console.log('parent exit');
}
