import { releasePorts } from './free-port';

// Every integration test file gives up the ports it claimed once it is done with them.
afterAll(releasePorts);
