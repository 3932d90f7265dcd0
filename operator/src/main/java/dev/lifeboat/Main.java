package dev.lifeboat;
public class Main { public static void main(String[] a) {} }
