import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Problem } from '@shinchoku/http';
import { Contacts } from '../application/contacts';
import * as s from './schemas';

/** Who is reminded for an org unit: 担当, 課長, and the department's coordinator. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: Contacts) {}

  @Post()
  @HttpCode(201)
  async create(@Body({ schema: s.createContactBody }) body: z.infer<typeof s.createContactBody>, @Res({ passthrough: true }) reply: FastifyReply) {
    const contact = await this.contacts.create(body);
    void reply.header('location', `/api/v1/contacts/${contact.contactId}`);
    return contact;
  }

  @Get()
  async list(@Query({ schema: s.listContactsQuery }) query: z.infer<typeof s.listContactsQuery>) {
    return { items: await this.contacts.list(query) };
  }

  @Get(':contactId')
  async get(@Param('contactId', { schema: s.idParam }) contactId: string) {
    return (await this.contacts.get(contactId)) ?? notFound(contactId);
  }

  @Patch(':contactId')
  async update(@Param('contactId', { schema: s.idParam }) contactId: string, @Body({ schema: s.updateContactBody }) body: z.infer<typeof s.updateContactBody>) {
    return (await this.contacts.update(contactId, body)) ?? notFound(contactId);
  }

  @Delete(':contactId')
  @HttpCode(204)
  async remove(@Param('contactId', { schema: s.idParam }) contactId: string) {
    if (!(await this.contacts.remove(contactId))) notFound(contactId);
  }
}

function notFound(contactId: string): never {
  throw new Problem(404, 'ContactNotFound', `there is no contact ${contactId}`);
}
